"""The dovecot-uidlist file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pymap.backend.maildir.uidlist import (
    UidList,
    append_records,
    parse_uidlist,
    read_uidlist,
    render_record,
    write_uidlist,
)

#: As Dovecot 2.3 writes it, plus extension fields it may write.
DOVECOT_FILE = (
    b'3 V1795220772 N3 G51d1f02423e5006b2d30000083ecc375\n'
    b'1 :1795220771.M627949P12333.vm,S=5,W=5\n'
    b'2 W1394 P123 :1795220771.M629282P12333.vm,S=3,W=3:2,S\n')


def test_parse_dovecot_file() -> None:
    uidlist = parse_uidlist(DOVECOT_FILE)
    assert uidlist is not None
    assert uidlist.uid_validity == 1795220772
    assert uidlist.next_uid == 3
    assert uidlist.guid == '51d1f02423e5006b2d30000083ecc375'
    assert uidlist.complete
    assert uidlist.records == {
        '1795220771.M627949P12333.vm,S=5,W=5': (1, ''),
        '1795220771.M629282P12333.vm,S=3,W=3': (2, 'W1394 P123')}


def test_rewrite_keeps_header_and_extension_fields(tmp_path: Path) -> None:
    (tmp_path / 'dovecot-uidlist').write_bytes(
        b'3 V7 N9 Gabc X1\n5 W10 :base5\n6 :base6\n')
    uidlist = read_uidlist(tmp_path)
    assert uidlist is not None
    write_uidlist(tmp_path, uidlist, ['base5'], fsync=True)
    assert (tmp_path / 'dovecot-uidlist').read_bytes() == \
        b'3 V7 N9 Gabc X1\n5 W10 :base5\n'


def test_next_uid_follows_appended_records() -> None:
    uidlist = parse_uidlist(b'3 V1 N2 G0\n1 :a\n2 :b\n7 :c\n')
    assert uidlist is not None
    assert uidlist.next_uid == 8


def test_partial_last_line_is_ignored() -> None:
    uidlist = parse_uidlist(b'3 V1 N1 G0\n1 :a\n2 :b')
    assert uidlist is not None
    assert list(uidlist.records) == ['a']
    assert not uidlist.complete


def test_version_1_is_read_and_marked_for_rewrite() -> None:
    uidlist = parse_uidlist(b'1 1000 5\n3 file3:2,S\n4 file4\n')
    assert uidlist is not None
    assert (uidlist.uid_validity, uidlist.next_uid) == (1000, 5)
    assert uidlist.records == {'file3': (3, ''), 'file4': (4, '')}
    assert not uidlist.complete


def test_unusable_headers() -> None:
    for data in (b'', b'\n', b'3 N5\n', b'2 V1 N1\n', b'garbage\n',
                 b'3 Vx N1\n', b'1 x 1\n'):
        assert parse_uidlist(data) is None, data


def test_bad_out_of_order_and_duplicate_records_are_skipped() -> None:
    uidlist = parse_uidlist(
        b'3 V1 N1 G0\n2 :a\nx :b\n1 :c\n3 :a\n4 no-colon\n5 :d\n')
    assert uidlist is not None
    assert uidlist.records == {'a': (2, ''), 'd': (5, '')}


def test_missing_file(tmp_path: Path) -> None:
    assert read_uidlist(tmp_path) is None


def test_append_records(tmp_path: Path) -> None:
    path = tmp_path / 'dovecot-uidlist'
    path.write_bytes(b'3 V1 N1 G0\n')
    append_records(tmp_path, [(1, 'a'), (2, 'b')], fsync=True)
    assert path.read_bytes() == b'3 V1 N1 G0\n1 :a\n2 :b\n'
    uidlist = read_uidlist(tmp_path)
    assert uidlist is not None
    assert uidlist.next_uid == 3


def test_new_uidlist_header() -> None:
    uidlist = UidList(42)
    assert len(uidlist.guid) == 32
    assert uidlist.header() == f'3 V42 N1 G{uidlist.guid}\n'.encode()


_bases = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e,
                               blacklist_characters=':/'), min_size=1)


@given(st.dictionaries(_bases, st.tuples(
    st.integers(1, 2**31), st.sampled_from(['', 'W5', 'W5 P1']))),
    st.integers(1, 2**32 - 1))
def test_render_parse_round_trip(records: dict[str, tuple[int, str]],
                                 validity: int) -> None:
    ordered = dict(sorted(records.items(), key=lambda item: item[1][0]))
    uids = [uid for uid, _ in ordered.values()]
    if len(set(uids)) != len(uids):
        return
    uidlist = UidList(validity)
    for base, (uid, extra) in ordered.items():
        uidlist.add(base, uid, extra)
    data = uidlist.header() + b''.join(
        render_record(uid, base, extra)
        for base, (uid, extra) in ordered.items())
    parsed = parse_uidlist(data)
    assert parsed is not None
    assert parsed.records == ordered
    assert parsed.next_uid == uidlist.next_uid
    assert parsed.uid_validity == validity

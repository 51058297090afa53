"""Message summaries of the maildir backend: the same answers as parsing
the messages, kept in ``pymap.cache`` across restarts, and a damaged,
foreign or unwritable cache file never matters."""

from __future__ import annotations

import os
import shutil
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pymap.backend.maildir import summaries as summaries_module
from pymap.backend.maildir import summaryfile
from pymap.backend.maildir.cache import ContentCache
from pymap.backend.maildir.layout import MaildirPlusPlus
from pymap.backend.maildir.mailbox import MaildirMailbox
from pymap.backend.maildir.store import MaildirMailboxSet
from pymap.backend.maildir.summaryfile import (
    SUMMARY_FILE,
    SummaryFile,
    compress_stored,
    encode_summary,
)
from pymap.backend.summarycodec import pack_summary
from pymap.interfaces.storage import NewMessage, SummaryLoader
from pymap.mime import MessageContent

from .dovecot import make_workdir, require_dovecot, run_dovecot
from .test_external_delivery import deliver

DATE = datetime(2022, 2, 2, 2, 2, 2, tzinfo=UTC)
CORPUS = sorted((Path(__file__).parents[2] / 'mime' / 'corpus')
                .glob('*.eml'))[:12]
MESSAGES = [path.read_bytes() for path in CORPUS]


async def _inbox(root: Path) -> MaildirMailbox:
    """INBOX as a freshly started server has it (nothing in memory)."""
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(root), ContentCache(), fsync=False)
    return await mailboxes.get_mailbox('INBOX')


async def _append(inbox: MaildirMailbox, messages: list[bytes]) -> None:
    await inbox.append([NewMessage(data, frozenset(), DATE)
                        for data in messages])


async def _summarised(inbox: MaildirMailbox, messages: list[bytes]) -> None:
    """Appends *messages* and asks for their summaries, which makes them
    (an APPEND summarises nothing) and stores them in the file."""
    uids = await inbox.append([NewMessage(data, frozenset(), DATE)
                               for data in messages])
    await _packed(inbox, list(uids))


async def _packed(inbox: MaildirMailbox, uids: list[int]
                  ) -> list[tuple[int, bytes]]:
    return [(meta.uid, pack_summary(summary))
            async for meta, summary in inbox.load_summaries(uids)]


def _expected(messages: list[bytes], first_uid: int = 1
              ) -> list[tuple[int, bytes]]:
    return [(uid, pack_summary(MessageContent.parse(data).summary))
            for uid, data in enumerate(messages, first_uid)]


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes summarising a message fail: only the file may answer."""
    monkeypatch.setattr(summaries_module, 'MessageContent', None)


async def test_summaries_are_those_of_the_messages(tmp_path: Path) -> None:
    inbox = await _inbox(tmp_path)
    assert isinstance(inbox, SummaryLoader)
    await _append(inbox, MESSAGES)
    await inbox.expunge([3])
    uids = [5, 1, 3, 99, *range(6, len(MESSAGES) + 1)]
    expected = dict(_expected(MESSAGES))
    assert await _packed(inbox, uids) == [
        (uid, expected[uid]) for uid in uids if uid in expected
        and uid != 3]


async def test_summaries_survive_a_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    await _summarised(await _inbox(tmp_path), MESSAGES)
    assert (tmp_path / SUMMARY_FILE).is_file()
    _forbid_parsing(monkeypatch)
    restarted = await _inbox(tmp_path)
    uids = list(range(1, len(MESSAGES) + 1))
    assert await _packed(restarted, uids) == _expected(MESSAGES)


async def test_an_append_summarises_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A message is summarised when first asked about, as Dovecot fills
    its cache file."""
    inbox = await _inbox(tmp_path)
    _forbid_parsing(monkeypatch)
    await _append(inbox, MESSAGES[:2])
    assert not (tmp_path / SUMMARY_FILE).exists()
    monkeypatch.undo()
    assert await _packed(inbox, [2]) == _expected(MESSAGES[1:2], 2)
    assert len(SummaryFile(lambda: tmp_path).read(
        name.partition(':')[0]
        for name in os.listdir(tmp_path / 'cur'))) == 1


async def test_delivered_mail_is_summarised_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = await _inbox(tmp_path)
    deliver(tmp_path, '1700000000.M1P1.mta', MESSAGES[4])
    assert await _packed(inbox, [1]) == _expected(MESSAGES[4:5])
    _forbid_parsing(monkeypatch)
    assert await _packed(await _inbox(tmp_path), [1]) == \
        _expected(MESSAGES[4:5])


def _garbage(data: bytes) -> bytes:
    return b'\x00garbage\n' * 50


def _cut(data: bytes) -> bytes:
    return data[:-7]


def _flipped(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xff]) + data[middle + 1:]


def _other_version(data: bytes) -> bytes:
    return data.replace(summaryfile.VERSION_LINE, b'pymap summaries 99\n')


def _huge_length(data: bytes) -> bytes:
    start = len(summaryfile.VERSION_LINE)
    return data[:start] + b'\xff\xff\xff\xff' + data[start + 4:]


@pytest.mark.parametrize('damage', [
    _garbage, _cut, _flipped, _other_version, _huge_length,
    lambda data: b''])
async def test_damaged_file_is_ignored_and_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        damage: Callable[[bytes], bytes]) -> None:
    await _summarised(await _inbox(tmp_path), MESSAGES)
    path = tmp_path / SUMMARY_FILE
    path.write_bytes(damage(path.read_bytes()))
    uids = list(range(1, len(MESSAGES) + 1))
    assert await _packed(await _inbox(tmp_path), uids) == \
        _expected(MESSAGES)
    _forbid_parsing(monkeypatch)
    assert await _packed(await _inbox(tmp_path), uids) == \
        _expected(MESSAGES)


async def test_unusable_file_is_tolerated(tmp_path: Path) -> None:
    (tmp_path / SUMMARY_FILE).mkdir()
    inbox = await _inbox(tmp_path)
    await _append(inbox, MESSAGES[:3])
    assert await _packed(await _inbox(tmp_path), [1, 2, 3]) == \
        _expected(MESSAGES[:3])


async def test_summary_of_another_size_is_not_used(tmp_path: Path) -> None:
    inbox = await _inbox(tmp_path)
    await _append(inbox, MESSAGES[:1])
    base = next(iter(os.listdir(tmp_path / 'cur'))).partition(':')[0]
    wrong = MessageContent.parse(MESSAGES[1]).summary
    SummaryFile(lambda: tmp_path).append(
        [(base, encode_summary(wrong))], lambda: {base})
    assert await _packed(await _inbox(tmp_path), [1]) == \
        _expected(MESSAGES[:1])


async def test_stale_records_are_dropped(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setattr(summaryfile, 'COMPACT_MIN', 4)
    inbox = await _inbox(tmp_path)
    await _summarised(inbox, MESSAGES[:10])
    await inbox.expunge(list(range(1, 9)))
    path = tmp_path / SUMMARY_FILE
    size = path.stat().st_size
    restarted = await _inbox(tmp_path)
    await _summarised(restarted, MESSAGES[10:11])
    assert path.stat().st_size < size / 2
    _forbid_parsing(monkeypatch)
    assert await _packed(await _inbox(tmp_path), [9, 10, 11]) == \
        _expected(MESSAGES[8:11], 9)


async def test_summaries_follow_a_rename(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    mailboxes = await MaildirMailboxSet.open(
        MaildirPlusPlus(tmp_path), ContentCache(), fsync=False)
    await mailboxes.create_mailbox('old')
    old = await mailboxes.get_mailbox('old')
    await _summarised(old, MESSAGES[:2])
    await mailboxes.rename_mailbox('old', 'new')
    _forbid_parsing(monkeypatch)
    assert await _packed(old, [1, 2]) == _expected(MESSAGES[:2])


async def test_dovecot_ignores_the_file_and_may_change_the_maildir(
        ) -> None:
    require_dovecot()
    workdir = make_workdir()
    try:
        root = workdir / 'mail'
        await _summarised(await _inbox(root), MESSAGES[:3])
        extra = b'Subject: by dovecot\r\n\r\nhello\r\n'
        output = run_dovecot(workdir, [
            b'l LIST "" *', b's SELECT INBOX',
            b'f UID FETCH 1:* (RFC822.SIZE BODY.PEEK[HEADER])',
            b'x UID STORE 2 +FLAGS (\\Deleted)', b'e EXPUNGE',
            b'a APPEND INBOX {%d}\r\n%s' % (len(extra), extra)])
        assert output.untagged(b'l') == [b'* LIST (\\HasNoChildren) "/" INBOX']
        assert output.tagged(b'a').startswith(b'OK')
        assert sum(b' FETCH ' in line for line in output.untagged(b'f')) == 3
        assert (root / SUMMARY_FILE).is_file()
        assert await _packed(await _inbox(root), [1, 2, 3, 4]) == [
            *_expected(MESSAGES[:1]), *_expected(MESSAGES[2:3], 3),
            *_expected([extra], 4)]
    finally:
        shutil.rmtree(workdir)


def test_stored_forms() -> None:
    small = MessageContent.parse(b'Subject: a\r\n\r\n').summary
    large = MessageContent.parse(b'Subject: b\r\n\r\n' + b'text ' * 500)\
        .summary
    stored_small, stored_large = encode_summary(small), encode_summary(large)
    assert stored_small == b'\x00' + pack_summary(small)
    assert stored_large == b'\x00' + pack_summary(large)
    assert compress_stored(stored_small) == stored_small
    compressed = compress_stored(stored_large)
    assert compressed[:1] == b'\x01'
    assert len(compressed) < len(stored_large) / 10
    assert compress_stored(compressed) == compressed
    for summary, stored in ((small, stored_small), (large, stored_large),
                            (large, compressed)):
        again = summaryfile._decode_summary(stored)
        assert pack_summary(again) == pack_summary(summary)


async def test_new_records_are_plain_and_rewrites_compress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summaryfile, 'COMPACT_MIN', 2)
    inbox = await _inbox(tmp_path)
    await _summarised(inbox, MESSAGES[:6])
    path = tmp_path / SUMMARY_FILE
    assert _record_kinds(path) == {b'\x00'}
    await inbox.expunge([1, 2, 3, 4])
    await _summarised(inbox, MESSAGES[6:7])
    assert _record_kinds(path) == {b'\x00', b'\x01'}
    _forbid_parsing(monkeypatch)
    assert await _packed(await _inbox(tmp_path), [5, 6, 7]) == \
        _expected(MESSAGES[4:7], 5)


def _record_kinds(path: Path) -> set[bytes]:
    """The first bytes of the stored forms of the file's records."""
    data = path.read_bytes()
    offset, kinds = len(summaryfile.VERSION_LINE), set()
    while offset < len(data):
        length = int.from_bytes(data[offset:offset + 4], 'big')
        payload = data[offset + 8:offset + 8 + length]
        name_length = int.from_bytes(payload[:2], 'big')
        kinds.add(payload[2 + name_length:3 + name_length])
        offset += 8 + length
    return kinds


PACKED = pack_summary(MessageContent.parse(MESSAGES[0]).summary)


@pytest.mark.parametrize('stored', [
    b'', b'\x02' + PACKED, b'\x01not zlib',
    b'\x01' + zlib.compress(PACKED)[:-3],
    b'\x01' + zlib.compress(PACKED) + b'trailing'])
def test_damaged_stored_forms(stored: bytes) -> None:
    with pytest.raises(ValueError, match='summary'):
        summaryfile._decode_summary(stored)


async def test_a_summary_is_made_only_for_its_own_file(
        tmp_path: Path) -> None:
    inbox = await _inbox(tmp_path)
    await _append(inbox, MESSAGES[:2])
    folder = inbox._folder
    base_of = {uid: record.base for uid, record in folder.records.items()}
    metas = folder.metas([1])
    # as if UIDs were given anew between locating and reading the file
    made = inbox._summaries._summarize([(metas[0], base_of[2])])
    assert made == {}

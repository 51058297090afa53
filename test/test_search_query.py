"""SEARCH keys evaluated against message summaries (RFC 3501 §6.4.4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pymap.interfaces.storage import MessageMeta
from pymap.mime import MessageContent
from pymap.parsing.scanner import Scanner
from pymap.parsing.search import parse_search_keys
from pymap.search import SearchContext, SearchQuery

MESSAGE = (b'From: Ann <ann@example.com>\r\n'
           b'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus Wien\r\n'
           b'Date: Mon, 1 Jan 2024 23:30:00 -0500\r\n'
           b'X-Empty:\r\n'
           b'Content-Type: text/plain; charset=utf-8\r\n'
           b'Content-Transfer-Encoding: quoted-printable\r\n\r\n'
           b'Die Stra=C3=9Fe ist lang.\r\n')
META = MessageMeta(5, datetime(2024, 1, 3, 12, 0, tzinfo=UTC), 1234)


def ctx(flags: frozenset[bytes] = frozenset()) -> SearchContext:
    return SearchContext(2, 5, flags, 3, 9, META,
                         MessageContent.parse(MESSAGE).summary)


def query(keys: bytes) -> SearchQuery:
    return SearchQuery(parse_search_keys(Scanner(keys)), None)


@pytest.mark.parametrize(('keys', 'matches'), [
    ('SUBJECT "GRÜSSE"'.encode(), True),
    (b'SUBJECT wien', True),
    (b'SUBJECT graz', False),
    (b'FROM ANN@EXAMPLE', True),
    (b'HEADER X-Empty ""', True),
    (b'HEADER X-Missing ""', False),
    (b'BODY strasse', True),
    (b'BODY wien', False),
    (b'TEXT wien', True),
    (b'SENTON 1-Jan-2024', True),
    (b'SENTSINCE 2-Jan-2024', False),
    (b'SENTBEFORE 2-Jan-2024', True),
    (b'ON 3-Jan-2024', True),
    (b'BEFORE 3-Jan-2024', False),
    (b'SINCE 3-Jan-2024', True),
    (b'LARGER 1233', True),
    (b'SMALLER 1234', False),
    (b'SEEN', True),
    (b'UNSEEN', False),
    (b'OR UNSEEN SUBJECT wien', True),
    (b'NOT OR UNSEEN SUBJECT wien', False),
    (b'2 UID 5 SEEN', True),
    (b'UID 6:*', False),
    (b'UID 4:*', True),
    (b'3', False),
])
def test_keys(keys: bytes, matches: bool) -> None:
    assert query(keys).matches(ctx(frozenset([b'\\Seen']))) is matches


@pytest.mark.parametrize(('keys', 'needs'), [
    (b'SEEN', (False, False, True, False)),
    (b'LARGER 5', (True, False, False, False)),
    (b'SINCE 1-Jan-2024', (True, False, False, False)),
    (b'SENTSINCE 1-Jan-2024', (False, True, False, False)),
    (b'OR LARGER 5 NOT SUBJECT x', (True, True, False, False)),
    (b'2:3', (False, False, False, True)),
    (b'UID 2:3', (False, False, False, False)),
    (b'ALL', (False, False, False, False)),
    (b'SUBJECT x NOT OR 1 UID 5 KEYWORD a', (False, True, True, True)),
])
def test_needs(keys: bytes, needs: tuple[bool, bool, bool, bool]) -> None:
    search = query(keys)
    assert (search.needs_meta, search.needs_summary, search.needs_flags,
            search.needs_seq) == needs


def test_without_a_summary_nothing_textual_matches() -> None:
    bare = SearchContext(1, 1, frozenset(), 1, 1)
    assert not query(b'OR SUBJECT a OR BODY a SENTON 1-Jan-2024').matches(
        bare)
    assert not query(b'LARGER 0').matches(bare)

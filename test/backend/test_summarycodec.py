"""The byte form of message summaries: exact round trips, and nothing but
ValueError from bytes that are not one."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pymap.backend.summarycodec import pack_summary, unpack_summary
from pymap.mime import MessageContent, MessageSummary

CORPUS = sorted((Path(__file__).parents[1] / 'mime' / 'corpus')
                .glob('*.eml'))


def _fields(summary: MessageSummary) -> tuple[object, ...]:
    return (summary.size, summary.header, summary.envelope, summary.body,
            summary.body_structure, summary.date, summary.folded_text,
            summary.folded_values, summary.layout)


@pytest.mark.parametrize('path', CORPUS, ids=lambda path: path.name)
def test_round_trip(path: Path) -> None:
    summary = MessageContent.parse(path.read_bytes()).summary
    again = unpack_summary(pack_summary(summary))
    assert _fields(again) == _fields(summary)
    assert again.values_of(b'subject') == summary.values_of(b'subject')


@pytest.mark.parametrize('date', [
    None, datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5)))])
def test_dates_keep_their_zone(date: datetime | None) -> None:
    summary = replace(MessageContent.parse(b'Subject: x\r\n\r\n').summary,
                      date=date)
    again = unpack_summary(pack_summary(summary))
    assert again.date == date
    assert again.date is None or again.date.utcoffset() == date.utcoffset()


def test_text_with_lone_surrogates() -> None:
    summary = replace(MessageContent.parse(b'Subject: x\r\n\r\n').summary,
                      folded_text='a\udc80b', folded_values=('\ud800',))
    again = unpack_summary(pack_summary(summary))
    assert (again.folded_text, again.folded_values) == ('a\udc80b',
                                                        ('\ud800',))


@pytest.mark.parametrize('data', [
    b'', b'\x00\x00\x00\x05abc', b'\x00\x00\x00\x01x' * 7,
    pack_summary(MessageContent.parse(b'A: b\r\n\r\n').summary)[:-1]])
def test_malformed_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match='summary'):
        unpack_summary(data)


@settings(database=None, max_examples=300)
@given(st.binary(max_size=300), st.integers(0, 299))
def test_damage_gives_value_error_or_a_summary(data: bytes,
                                               flip: int) -> None:
    packed = bytearray(pack_summary(
        MessageContent.parse(b'From: a@b\r\nSubject: s\r\n\r\nt').summary))
    packed[flip % len(packed)] ^= 0x41
    for candidate in (data, bytes(packed)):
        with contextlib.suppress(ValueError):
            assert isinstance(unpack_summary(candidate), MessageSummary)

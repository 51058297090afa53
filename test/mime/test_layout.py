"""Message layouts: a window on the octets a section needs answers as the
whole message does, and a stored layout is checked before it is used."""

from __future__ import annotations

import itertools
import struct
from functools import partial
from pathlib import Path

import pytest

from pymap.mime import MessageContent, UnknownEncoding
from pymap.mime.entity import Entity
from pymap.mime.layout import (
    MessageWindow,
    Span,
    covering,
    pack_layout,
    read_layout,
)

CORPUS = Path(__file__).parent / "corpus"
NAMES = sorted(path.name for path in CORPUS.glob("*.eml"))
#: Part numbers up to three deep, with numbers past the last part.
PARTS = [part for depth in (1, 2, 3)
         for part in itertools.product(range(0, 5), repeat=depth)]
TEXTS = [None, "MIME", "HEADER", "TEXT", "HEADER.FIELDS", "HEADER.FIELDS.NOT"]
FIELDS = (b"subject", b"content-type")


def _content(name: str) -> MessageContent:
    return MessageContent.parse((CORPUS / name).read_bytes())


def _layout(content: MessageContent) -> Span:
    return read_layout(content.layout(), content.size)


def _window(content: MessageContent, layout: Span,
            span: tuple[int, int] | None) -> MessageWindow:
    start, end = span or (0, 0)
    return MessageWindow(layout, start, content.data[start:end])


def _binary(source: MessageContent | MessageWindow,
            part: tuple[int, ...]) -> object:
    try:
        return source.binary(part), source.binary_size(part)
    except UnknownEncoding as exc:
        return exc.encoding


@pytest.mark.parametrize("name", NAMES)
def test_windows_answer_sections_as_the_message_does(name: str) -> None:
    content = _content(name)
    layout = _layout(content)
    for part, text in itertools.product(PARTS, TEXTS):
        span = covering(layout, partial(MessageWindow.section, part=part,
                                        text=text, fields=FIELDS))
        window = _window(content, layout, span)
        assert window.section(part, text, FIELDS) \
            == content.section(part, text, FIELDS), (part, text)


@pytest.mark.parametrize("name", NAMES)
def test_windows_answer_binary_as_the_message_does(name: str) -> None:
    content = _content(name)
    layout = _layout(content)
    for part in PARTS:
        span = covering(layout, partial(MessageWindow.binary, part=part))
        window = _window(content, layout, span)
        assert _binary(window, part) == _binary(content, part), part


def test_a_part_header_is_all_a_mime_section_reads() -> None:
    content = _content("05-nested-rfc822.eml")
    layout = _layout(content)
    span = covering(layout, lambda window: window.section((2,), "MIME"))
    assert span is not None
    assert content.data[span[0]:span[1]] == content.section((2,), "MIME")


def test_no_range_for_parts_that_do_not_exist() -> None:
    content = _content("03-alternative.eml")
    layout = _layout(content)
    assert covering(layout, lambda window: window.section((7,), None)) \
        is None
    assert MessageWindow(layout, 0, b"").section((7,), None) is None


def test_a_window_never_answers_from_octets_it_lacks() -> None:
    content = _content("03-alternative.eml")
    layout = _layout(content)
    window = MessageWindow(layout, 0, content.data[:10])
    with pytest.raises(ValueError, match="outside the window"):
        window.section((1,), None)


def _spans(entity: Entity) -> Span:
    return Span(entity.header_start, entity.body_start, entity.body_end,
                tuple(map(_spans, entity.children)),
                None if entity.message is None else _spans(entity.message))


@pytest.mark.parametrize("name", NAMES)
def test_layouts_read_back_as_packed(name: str) -> None:
    content = _content(name)
    assert _layout(content) == _spans(content._root)


def test_deeply_nested_layouts_read_back() -> None:
    nested = b"Subject: inner\r\n\r\nbody\r\n"
    for _ in range(60):
        nested = b"Content-Type: message/rfc822\r\n\r\n" + nested
    content = MessageContent.parse(nested)
    layout = _layout(content)
    depth = 0
    while layout.message is not None:
        layout, depth = layout.message, depth + 1
    assert depth == 60


def _records(*records: tuple[int, int, int, int]) -> bytes:
    return b"".join(struct.pack("<4Q", *record) for record in records)


@pytest.mark.parametrize(("data", "size"), [
    (b"", 10),
    (_records((0, 2, 10, 0))[:-1], 10),
    (_records((0, 2, 10, 0), (0, 2, 10, 0)), 10),
    (_records((0, 2, 11, 0)), 10),
    (_records((0, 5, 2, 0)), 10),
    (_records((0, 2, 10, 3), (2, 3, 4, 0)), 10),
    (_records((0, 2, 10, 4), (2, 3, 4, 0)), 10),
    (_records((0, 2, 10, 4), (4, 5, 6, 0), (2, 3, 4, 0)), 10),
    (_records((0, 2, 10, 1), (0, 1, 2, 0)), 10),
], ids=["empty", "cut", "left-over", "past-the-end", "backwards",
        "odd-shape", "parts-missing", "parts-out-of-order",
        "message-before-body"])
def test_unsound_layouts_are_refused(data: bytes, size: int) -> None:
    with pytest.raises(ValueError):
        read_layout(data, size)


def test_layout_of_a_multipart_message() -> None:
    content = _content("03-alternative.eml")
    layout = _layout(content)
    assert layout.is_multipart
    assert layout.header_start == 0
    assert layout.body_end == content.size
    assert [part.body_end <= nxt.header_start for part, nxt
            in itertools.pairwise(layout.children)] \
        == [True] * (len(layout.children) - 1)
    assert pack_layout(content._root) == content.layout()

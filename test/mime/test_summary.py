"""A MessageSummary answers exactly as the MessageContent it comes from,
over the corpus (whose FETCH data test_dovecot_diff compares with
Dovecot's) and over generated messages."""

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymap.mime import MessageContent, MessageSummary
from pymap.mime.fields import HeaderFields
from pymap.parsing.response import render_sexp

from .test_corpus import CORPUS_NAMES, load
from .test_robustness import messages, mutated_corpus

#: Field name lists for HEADER.FIELDS[.NOT], as clients send them.
NAME_LISTS = (
    (b"FROM", b"TO", b"SUBJECT", b"DATE"),
    (b"subject",),
    (b"Content-Type", b"X-Missing"),
    (b"",),
)


def field_names(content: MessageContent) -> set[str]:
    """The names of the message's fields that SEARCH HEADER can name (in
    UTF-8), and some names it lacks."""
    fields = HeaderFields.parse(content.header_bytes()).fields
    names = {f.name.decode("utf-8", "replace") for f in fields}
    return names | {"Subject", "X-Nowhere", ""}


def assert_same(content: MessageContent) -> None:
    summary = MessageSummary.derive(content)
    assert summary.size == content.size
    assert summary.header == content.section((), "HEADER")
    assert summary.envelope == render_sexp(content.envelope())
    assert summary.body == render_sexp(content.body_structure(False))
    assert summary.body_structure == render_sexp(content.body_structure(True))
    assert summary.date == content.date()
    assert summary.folded_text == content.text_content().casefold()
    assert summary.folded_header_text() == content.header_text().casefold()
    for names in NAME_LISTS:
        lower = {name.lower() for name in names}
        for text in ("HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT"):
            expected = content.section((), text, names)
            assert summary.header_section(text, lower) == expected
    for name in field_names(content):
        expected = [v.casefold() for v in content.header_values(name)]
        key = name.encode("utf-8").lower()
        assert list(summary.values_of(key)) == expected


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_corpus_message(name: str) -> None:
    assert_same(load(name))


@settings(database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    assert_same(MessageContent.parse(raw))


@settings(database=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_message_like_bytes(raw: bytes) -> None:
    assert_same(MessageContent.parse(raw))


@settings(database=None, max_examples=200)
@given(mutated_corpus())
def test_mutated_corpus(raw: bytes) -> None:
    assert_same(MessageContent.parse(raw))


def test_summary_is_cached_on_the_content() -> None:
    content = load("01-plain.eml")
    assert content.summary is content.summary
    assert content.summary.header == content.header_bytes()


def test_other_section_texts_are_refused() -> None:
    summary = load("01-plain.eml").summary
    with pytest.raises(ValueError, match="TEXT"):
        summary.header_section("TEXT")


def test_one_folded_value_per_field_is_required() -> None:
    summary = load("01-plain.eml").summary
    with pytest.raises(ValueError, match="one folded value"):
        replace(summary, folded_values=summary.folded_values[1:])


def test_repeated_fields_keep_every_value_in_order() -> None:
    content = MessageContent.parse(
        b"Received: one\r\nX: 1\r\nReceived: =?utf-8?q?Tw=C3=B6?=\r\n\r\n")
    assert content.summary.values_of(b"received") == ("one", "twö")


def test_footprint_counts_the_text() -> None:
    small = MessageContent.parse(b"Subject: a\r\n\r\nbody\r\n").summary
    large = MessageContent.parse(
        b"Subject: a\r\n\r\n" + b"word " * 10_000).summary
    assert large.footprint - small.footprint >= 50_000


def test_header_sections_asked_again_and_in_turn_stay_right() -> None:
    content = load("04-mixed-base64-rfc2231.eml")
    summary = MessageSummary.derive(content)
    subject, addresses = frozenset({b"subject"}), frozenset({b"from", b"to"})
    asked = [("HEADER.FIELDS", subject), ("HEADER.FIELDS", subject),
             ("HEADER.FIELDS.NOT", subject), ("HEADER.FIELDS", addresses),
             ("HEADER.FIELDS", subject), ("HEADER.FIELDS.NOT", subject)]
    answers = {summary.header_section(text, names) for text, names in asked}
    for text, names in asked:
        assert summary.header_section(text, names) \
            == content.section((), text, names)
    assert len(answers) == 3


@pytest.mark.parametrize(("field", "params"), [
    (b"text/plain", b'("charset" "us-ascii")'),
    (b"text/plain; charset=utf-8", b'("charset" "utf-8")'),
    (b"text/plain; charset*=utf-8''utf-8", b'("charset*" "utf-8\'\'utf-8")'),
])
def test_default_charset_only_when_none_is_given(field: bytes,
                                                 params: bytes) -> None:
    """RFC 2045 section 5.2; an RFC 2231-encoded charset counts."""
    content = MessageContent.parse(
        b"Content-Type: " + field + b"\r\n\r\nhi\r\n")
    assert render_sexp(content.body_structure(False)).startswith(
        b'("text" "plain" ' + params + b" ")

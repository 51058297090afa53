"""Table-driven tests over the corpus of awkward messages in corpus/."""

import datetime
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pymap.mime import MessageContent, SExp

CORPUS = Path(__file__).parent / "corpus"
CORPUS_NAMES = sorted(path.name for path in CORPUS.glob("*.eml"))


def load(name: str) -> MessageContent:
    return MessageContent.parse((CORPUS / name).read_bytes())


def render(value: SExp) -> str:
    """IMAP-like text of a structure, for readable expectations."""
    if value is None:
        return "NIL"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        text = value.decode("utf-8", "surrogateescape")
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "(" + " ".join(render(item) for item in value) + ")"


def leaves(
    structure: list[SExp], prefix: tuple[int, ...] = (), top: bool = True
) -> Iterator[tuple[tuple[int, ...], list[SExp]]]:
    """Each non-multipart structure with its part number (RFC 3501 section
    6.4.5), encapsulated messages included."""
    if isinstance(structure[0], list):
        for number, child in enumerate(_parts_of(structure), 1):
            yield from leaves(child, (*prefix, number), top=False)
        return
    part = (*prefix, 1) if top else prefix
    yield part, structure
    if _is_message(structure):
        inner = structure[8]
        assert isinstance(inner, list)
        yield from leaves(inner, part, top=True)


def _parts_of(multipart: list[SExp]) -> list[list[SExp]]:
    """The body parts: the lists before the subtype string."""
    parts: list[list[SExp]] = []
    for item in multipart:
        if not isinstance(item, list):
            return parts
        parts.append(item)
    return parts


def _is_text(structure: list[SExp]) -> bool:
    assert isinstance(structure[0], bytes)
    return structure[0].lower() == b"text"


def _is_message(structure: list[SExp]) -> bool:
    assert isinstance(structure[0], bytes)
    assert isinstance(structure[1], bytes)
    kind = (structure[0].lower(), structure[1].lower())
    return kind == (b"message", b"rfc822")


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_whole_message_is_crlf_original(name: str) -> None:
    raw = (CORPUS / name).read_bytes()
    content = MessageContent.parse(raw)
    crlf = re.sub(rb"(?<!\r)\n", b"\r\n", raw)
    assert content.raw is raw
    assert content.section((), None) == crlf
    assert content.size == len(crlf)


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_header_and_text_make_the_message(name: str) -> None:
    content = load(name)
    header = content.section((), "HEADER")
    assert header == content.header_bytes()
    assert header is not None
    assert header + (content.section((), "TEXT") or b"") == content.section(
        (), None
    )


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_structure_sizes_match_sections(name: str) -> None:
    content = load(name)
    structure = content.body_structure(True)
    assert isinstance(structure, list)
    for part, leaf in leaves(structure):
        body = content.section(part, None)
        assert body is not None, part
        assert leaf[6] == len(body), part
        if _is_text(leaf) or _is_message(leaf):
            lines = leaf[7] if _is_text(leaf) else leaf[9]
            assert lines == body.count(b"\n"), part


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_body_is_bodystructure_without_extensions(name: str) -> None:
    content = load(name)
    assert _strip_extensions(content.body_structure(True)) == (
        content.body_structure(False)
    )


def _strip_extensions(structure: SExp) -> SExp:
    assert isinstance(structure, list)
    if isinstance(structure[0], list):
        parts = _parts_of(structure)
        stripped = [_strip_extensions(part) for part in parts]
        return [*stripped, structure[len(parts)]]
    if _is_message(structure):
        inner = _strip_extensions(structure[8])
        return [*structure[:8], inner, structure[9]]
    return structure[:8] if _is_text(structure) else structure[:7]


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_results_are_cached(name: str) -> None:
    content = load(name)
    assert content.envelope() is content.envelope()
    assert content.body_structure(True) is content.body_structure(True)
    assert content.body_structure(False) is content.body_structure(False)


@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_body_structure(name: str) -> None:
    assert render(load(name).body_structure(True)) == STRUCTURES[name]


def test_every_corpus_file_has_an_expected_structure() -> None:
    assert sorted(STRUCTURES) == CORPUS_NAMES


HEADER_VALUES = [
    ("07-encoded-words.eml", "Subject", ["Grüße aus Berlin and more"]),
    ("07-encoded-words.eml", "FROM", ["Jürgen Müller <juergen@example.de>"]),
    (
        "07-encoded-words.eml",
        "to",
        ["François <francois@example.fr>, plain@example.com"],
    ),
    ("14-latin1-headers.eml", "subject", ["Café crème"]),
    ("15-utf8-headers.eml", "Subject", ["Grüße — 你好"]),
    (
        "22-long-folded-headers.eml",
        "Subject",
        [
            "This is a very long subject line that has been folded  over "
            "multiple lines with mixed\twhitespace"
        ],
    ),
    (
        "27-duplicate-headers.eml",
        "subject",
        ["first subject", "second subject"],
    ),
    ("31-empty-header-values.eml", "Subject", [""]),
    ("01-plain.eml", "X-Missing", []),
]


@pytest.mark.parametrize(("name", "header", "expected"), HEADER_VALUES)
def test_header_values(name: str, header: str, expected: list[str]) -> None:
    assert load(name).header_values(header) == expected


TEXT_CONTENT = [
    ("16-quoted-printable.eml", ["Café = coffee", "a soft line break."], []),
    ("33-base64-text.eml", ["Grüße aus Köln.\nZweite Zeile."], []),
    ("14-latin1-headers.eml", ["Crème brûlée."], []),
    ("05-nested-rfc822.eml", ["Forwarding", "inner plain", "inner html"], []),
    ("04-mixed-base64-rfc2231.eml", ["See attached."], ["AAECAwQF"]),
    ("26-uppercase-and-comments.eml", ["<p>café</p>"], ["=C3"]),
    ("44-quoted-printable-lenient.eml", ["lower ä hex", "softbreak"], []),
    ("29-unknown-cte.eml", [], ["begin 644"]),
]


@pytest.mark.parametrize(("name", "present", "absent"), TEXT_CONTENT)
def test_text_content(
    name: str, present: list[str], absent: list[str]
) -> None:
    text = load(name).text_content()
    assert all(fragment in text for fragment in present)
    assert not any(fragment in text for fragment in absent)


DATES = [
    (
        "01-plain.eml",
        datetime.datetime(
            1994,
            2,
            7,
            21,
            52,
            25,
            tzinfo=datetime.timezone(-datetime.timedelta(hours=8)),
        ),
    ),
    (
        "22-long-folded-headers.eml",
        datetime.datetime(2022, 3, 17, 10, 11, 12, tzinfo=datetime.UTC),
    ),
    ("31-empty-header-values.eml", None),
    ("09-no-headers-blank.eml", None),
]


@pytest.mark.parametrize(("name", "expected"), DATES)
def test_date(name: str, expected: datetime.datetime | None) -> None:
    assert load(name).date() == expected


STRUCTURES = {
    "01-plain.eml": (
        '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 55 1 NIL '
        "NIL NIL NIL)"
    ),
    "02-bare-lf.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 60 3 NIL '
        "NIL NIL NIL)"
    ),
    "03-alternative.eml": (
        '(("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 19 0 NIL NIL '
        'NIL NIL) ("text" "html" ("charset" "utf-8") NIL NIL "7bit" 46 0 '
        'NIL NIL NIL NIL) "alternative" ("boundary" "alt-boundary") NIL '
        "NIL NIL)"
    ),
    "04-mixed-base64-rfc2231.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 15 1 NIL '
        'NIL NIL NIL) ("application" "octet-stream" ("name*" '
        '"utf-8\'en\'%C3%A4rgerlich.bin") NIL NIL "base64" 1050 NIL '
        '("attachment" ("filename*" "utf-8\'\'%C3%A4rgerlich.bin")) NIL NIL) '
        '"mixed" ("boundary" "mixed42") NIL NIL NIL)'
    ),
    "05-nested-rfc822.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 31 1 NIL '
        'NIL NIL NIL) ("message" "rfc822" NIL NIL "forwarded" "7BIT" 368 '
        '("Thu, 10 Mar 2022 09:00:00 +0000" "inner subject" ((NIL NIL '
        '"inner" "example.org")) ((NIL NIL "inner" "example.org")) ((NIL '
        'NIL "inner" "example.org")) ((NIL NIL "someone" "example.net")) '
        'NIL NIL NIL "<inner@example.org>") (("text" "plain" ("charset" '
        '"utf-8") NIL NIL "7BIT" 11 0 NIL NIL NIL NIL) ("text" "html" '
        '("charset" "utf-8") NIL NIL "7BIT" 17 0 NIL NIL NIL NIL) '
        '"alternative" ("boundary" "inner") NIL NIL NIL) 17 NIL NIL NIL '
        'NIL) "mixed" ("boundary" "outer") NIL NIL NIL)'
    ),
    "06-digest.eml": (
        '(("message" "rfc822" NIL NIL NIL "7BIT" 54 (NIL "first" ((NIL NIL '
        '"one" "example.com")) ((NIL NIL "one" "example.com")) ((NIL NIL '
        '"one" "example.com")) NIL NIL NIL NIL NIL) ("text" "plain" '
        '("charset" "us-ascii") NIL NIL "7BIT" 13 0 NIL NIL NIL NIL) 3 NIL '
        'NIL NIL NIL) ("message" "rfc822" NIL NIL NIL "7BIT" 56 (NIL '
        '"second" ((NIL NIL "two" "example.com")) ((NIL NIL "two" '
        '"example.com")) ((NIL NIL "two" "example.com")) NIL NIL NIL NIL '
        'NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 14 0 '
        'NIL NIL NIL NIL) 3 NIL NIL NIL NIL) ("text" "plain" ("charset" '
        '"us-ascii") NIL NIL "7BIT" 30 0 NIL NIL NIL NIL) "digest" '
        '("boundary" "dig") NIL NIL NIL)'
    ),
    "07-encoded-words.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "08-groups.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "09-no-headers-blank.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 43 1 NIL '
        "NIL NIL NIL)"
    ),
    "10-no-headers-text.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL '
        "NIL NIL)"
    ),
    "11-header-only.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL '
        "NIL NIL)"
    ),
    "12-broken-boundary.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 72 5 NIL '
        'NIL NIL NIL) "mixed" ("boundary" "never-used") NIL NIL NIL)'
    ),
    "13-multipart-no-boundary.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 30 1 NIL '
        'NIL NIL NIL) "mixed" NIL NIL NIL NIL)'
    ),
    "14-latin1-headers.eml": (
        '("text" "plain" ("charset" "iso-8859-1") NIL NIL "8bit" 15 1 NIL '
        "NIL NIL NIL)"
    ),
    "15-utf8-headers.eml": (
        '("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 30 1 NIL NIL '
        "NIL NIL)"
    ),
    "16-quoted-printable.eml": (
        '("text" "plain" ("charset" "iso-8859-1") NIL NIL '
        '"quoted-printable" 133 4 NIL NIL NIL NIL)'
    ),
    "17-empty-body.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL '
        "NIL NIL)"
    ),
    "18-deep-nesting.eml": (
        '((("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 15 0 NIL '
        'NIL NIL NIL) (("text" "html" ("charset" "us-ascii") NIL NIL '
        '"7BIT" 23 0 NIL NIL NIL NIL) ("message" "rfc822" NIL NIL NIL '
        '"7BIT" 231 (NIL "level four message" NIL NIL NIL NIL NIL NIL NIL '
        'NIL) (("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 15 0 '
        'NIL NIL NIL NIL) ("application" "octet-stream" NIL NIL NIL '
        '"base64" 12 NIL NIL NIL NIL) "mixed" ("boundary" "l5") NIL NIL '
        'NIL) 12 NIL NIL NIL NIL) "related" ("boundary" "l3") NIL NIL NIL) '
        '"alternative" ("boundary" "l2") NIL NIL NIL) ("text" "plain" '
        '("charset" "us-ascii") NIL NIL "7BIT" 19 0 NIL NIL NIL NIL) '
        '"mixed" ("boundary" "l1") NIL NIL NIL)'
    ),
    "19-preamble-epilogue.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 8 0 NIL '
        'NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL '
        '"7BIT" 50 1 NIL NIL NIL NIL) "mixed" ("boundary" "pe") NIL NIL '
        "NIL)"
    ),
    "20-missing-final-boundary.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 5 0 NIL '
        'NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL '
        '"7BIT" 22 1 NIL NIL NIL NIL) "mixed" ("boundary" "mfb") NIL NIL '
        "NIL)"
    ),
    "21-mixed-line-endings.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 18 1 NIL '
        'NIL NIL NIL) "mixed" ("boundary" "mle") NIL NIL NIL)'
    ),
    "22-long-folded-headers.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "23-no-trailing-newline.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 18 1 NIL '
        "NIL NIL NIL)"
    ),
    "24-rfc822-toplevel.eml": (
        '("message" "rfc822" NIL NIL NIL "7BIT" 105 (NIL "wrapped" ((NIL '
        'NIL "wrapped" "example.com")) ((NIL NIL "wrapped" "example.com")) '
        '((NIL NIL "wrapped" "example.com")) NIL NIL NIL NIL NIL) ("text" '
        '"plain" ("charset" "us-ascii") NIL NIL "7BIT" 14 1 NIL NIL NIL '
        "NIL) 5 NIL NIL NIL NIL)"
    ),
    "25-disposition-language.eml": (
        '(("text" "plain" ("charset" "us-ascii" "format" "flowed") '
        '"<part1@example.com>" "the first part" "7BIT" 10 0 '
        '"Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" NIL) ("en-US" "de") '
        '"http://example.com/part1") ("image" "gif" ("name" "pic.gif") NIL '
        'NIL "base64" 20 NIL ("attachment" ("filename" "pic.gif" "size" '
        '"14")) NIL NIL) "mixed" ("boundary" "ext" "x-extra" "value") NIL '
        '("en") "http://example.com/outer")'
    ),
    "26-uppercase-and-comments.eml": (
        '("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "QUOTED-PRINTABLE" 18 '
        "1 NIL NIL NIL NIL)"
    ),
    "27-duplicate-headers.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "28-8bit-binary.eml": (
        '(("text" "plain" ("charset" "utf-8") NIL NIL "8bit" 17 0 NIL NIL '
        'NIL NIL) ("application" "octet-stream" NIL NIL NIL "binary" 16 '
        'NIL NIL NIL NIL) "mixed" ("boundary" "8b") NIL NIL NIL)'
    ),
    "29-unknown-cte.eml": (
        '("application" "octet-stream" NIL NIL NIL "x-uuencode" 31 NIL NIL '
        "NIL NIL)"
    ),
    "30-message-ids.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "31-empty-header-values.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "32-trailing-whitespace.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "33-base64-text.eml": (
        '("text" "plain" ("charset" "utf-8") NIL NIL "base64" 46 1 NIL NIL '
        "NIL NIL)"
    ),
    "34-comment-names.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "35-params-edge-cases.eml": (
        '(("text" "plain" ("format" "flowed" "charset" "us-ascii") NIL NIL '
        '"7BIT" 27 0 NIL NIL NIL NIL) ("application" "x-thing" ("name" '
        '"with \\"escaped\\" quotes" "empty" "") NIL NIL "7BIT" 0 NIL NIL '
        'NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 '
        '0 NIL NIL NIL NIL) "mixed" ("boundary" "=_edge=_") NIL NIL NIL)'
    ),
    "36-nested-messages.eml": (
        '("message" "rfc822" NIL NIL NIL "7BIT" 243 (NIL "level 1" ((NIL '
        'NIL "level1" "example.com")) ((NIL NIL "level1" "example.com")) '
        '((NIL NIL "level1" "example.com")) NIL NIL NIL NIL NIL) '
        '("message" "rfc822" NIL NIL NIL "7BIT" 167 (NIL "level 2" ((NIL '
        'NIL "level2" "example.com")) ((NIL NIL "level2" "example.com")) '
        '((NIL NIL "level2" "example.com")) NIL NIL NIL NIL NIL) '
        '(("message" "rfc822" NIL NIL NIL "7BIT" 29 (NIL "level 3, header '
        'only" NIL NIL NIL NIL NIL NIL NIL NIL) ("text" "plain" ("charset" '
        '"us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) 0 NIL NIL NIL '
        'NIL) "mixed" ("boundary" "b2") NIL NIL NIL) 9 NIL NIL NIL NIL) 13 '
        "NIL NIL NIL NIL)"
    ),
    "37-transfer-encodings-broken.eml": (
        '(("text" "plain" ("charset" "utf-8") NIL NIL "base64" 22 1 NIL '
        'NIL NIL NIL) ("text" "plain" ("charset" "utf-8") NIL NIL '
        '"quoted-printable" 32 0 NIL NIL NIL NIL) "mixed" ("boundary" '
        '"broken") NIL NIL NIL)'
    ),
    "38-address-edge-cases.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "39-folding-edge-cases.eml": (
        '("text" "plain" ("charset" "utf-8") NIL "a  folded description" '
        '"7BIT" 7 1 NIL NIL NIL NIL)'
    ),
    "40-empty-parts.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 0 0 NIL '
        'NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL '
        '"7BIT" 0 0 NIL NIL NIL NIL) ("text" "plain" ("charset" '
        '"us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "mixed" '
        '("boundary" "e") NIL NIL NIL)'
    ),
    "41-unquoted-boundary.eml": (
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 5 0 NIL '
        'NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL '
        '"7BIT" 6 0 NIL NIL NIL NIL) "mixed" ("boundary" '
        '"----=_Part_0_12345.678") NIL NIL NIL)'
    ),
    "42-type-without-subtype.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 6 1 NIL NIL '
        "NIL NIL)"
    ),
    "43-empty-list-element.eml": (
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL '
        "NIL NIL)"
    ),
    "44-quoted-printable-lenient.eml": (
        '(("text" "plain" ("charset" "utf-8") NIL NIL "Quoted-Printable" '
        '109 4 NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL '
        'NIL "7bit" 22 0 NIL NIL NIL NIL) "mixed" ("boundary" "qp") NIL '
        "NIL NIL)"
    ),
}

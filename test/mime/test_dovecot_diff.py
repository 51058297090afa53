"""Differential test: FETCH data of the corpus against Dovecot's answers.

Dovecot's ``imap`` binary runs pre-authenticated on a temporary maildir
holding every corpus message; its FETCH responses are parsed and compared
with what :class:`MessageContent` computes.  Where this package deliberately
answers differently, the item is normalised, or listed in DEVIATIONS
with the RFC reason and asserted to differ.

Without Dovecot the test is skipped, unless ``PYMAP_TEST_STRICT=1``.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pymap.mime import MessageContent, UnknownEncoding

from ..mailuser import hand_over
from ..strict import skip_or_fail

IMAP_BINARY = Path("/usr/lib/dovecot/imap")
CORPUS = Path(__file__).parent / "corpus"
CORPUS_NAMES = sorted(path.name for path in CORPUS.glob("*.eml"))

DOVECOT_CONF = """\
protocols = imap
ssl = no
log_path = /dev/stderr
first_valid_uid = 1
mail_location = maildir:{maildir}
"""

Compute = Callable[[MessageContent], object]

#: FETCH items asked for in one command per message, with the response
#: item name and how MessageContent computes the same thing.
ITEMS: dict[str, tuple[str, Compute]] = {
    "RFC822.SIZE": ("RFC822.SIZE", lambda m: m.size),
    "ENVELOPE": ("ENVELOPE", lambda m: m.envelope()),
    "BODY": ("BODY", lambda m: m.body_structure(False)),
    "BODYSTRUCTURE": ("BODYSTRUCTURE", lambda m: m.body_structure(True)),
    "BODY.PEEK[]": ("BODY[]", lambda m: m.section((), None)),
    "BODY.PEEK[HEADER]": ("BODY[HEADER]", lambda m: m.section((), "HEADER")),
    "BODY.PEEK[TEXT]": ("BODY[TEXT]", lambda m: m.section((), "TEXT")),
    "BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]": (
        "BODY[HEADER.FIELDS (SUBJECT FROM)]",
        lambda m: m.section((), "HEADER.FIELDS", (b"subject", b"FROM")),
    ),
    "BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT FROM)]": (
        "BODY[HEADER.FIELDS.NOT (SUBJECT FROM)]",
        lambda m: m.section((), "HEADER.FIELDS.NOT", (b"Subject", b"from")),
    ),
    "BODY.PEEK[1]": ("BODY[1]", lambda m: m.section((1,), None)),
    "BODY.PEEK[1.MIME]": ("BODY[1.MIME]", lambda m: m.section((1,), "MIME")),
    "BODY.PEEK[1.1]": ("BODY[1.1]", lambda m: m.section((1, 1), None)),
    "BODY.PEEK[1.HEADER]": (
        "BODY[1.HEADER]",
        lambda m: m.section((1,), "HEADER"),
    ),
    "BODY.PEEK[2]": ("BODY[2]", lambda m: m.section((2,), None)),
    "BODY.PEEK[2.MIME]": ("BODY[2.MIME]", lambda m: m.section((2,), "MIME")),
    "BODY.PEEK[2.HEADER]": (
        "BODY[2.HEADER]",
        lambda m: m.section((2,), "HEADER"),
    ),
    "BODY.PEEK[2.TEXT]": ("BODY[2.TEXT]", lambda m: m.section((2,), "TEXT")),
    "BODY.PEEK[2.1]": ("BODY[2.1]", lambda m: m.section((2, 1), None)),
    "BODY.PEEK[2.1.MIME]": (
        "BODY[2.1.MIME]",
        lambda m: m.section((2, 1), "MIME"),
    ),
}

#: BINARY items, each asked for in its own command because Dovecot fails
#: the whole command with NO [UNKNOWN-CTE] for an unknown encoding.
BINARY_ITEMS: dict[str, tuple[str, Compute]] = {
    "BINARY.PEEK[1]": ("BINARY[1]", lambda m: m.binary((1,))),
    "BINARY.SIZE[1]": ("BINARY.SIZE[1]", lambda m: m.binary_size((1,))),
    "BINARY.SIZE[2]": ("BINARY.SIZE[2]", lambda m: m.binary_size((2,))),
}

STRUCTURES = ("BODY", "BODYSTRUCTURE")
FIRST_PART = ("BODY.PEEK[1]", "BODY.PEEK[1.1]", "BINARY.PEEK[1]")
FIELDS_NOT = ("BODY.PEEK[HEADER.FIELDS.NOT (SUBJECT FROM)]",)
CRLF_BEFORE_DELIMITER = (
    "RFC 2046 section 5.1.1 attaches the CRLF before a delimiter line to "
    "the delimiter, so the part before it ends without that CRLF; where the "
    "CRLF also ends a close delimiter or header line of the part, Dovecot "
    "counts it into the part (2 octets, 1 line more)"
)


def _deviation(
    reason: str, names: tuple[str, ...], items: tuple[str, ...]
) -> dict[tuple[str, str], str]:
    return {(name, item): reason for name in names for item in items}


#: Items where we deliberately differ from Dovecot, with the reason.
DEVIATIONS: dict[tuple[str, str], str] = {
    **_deviation(
        "Dovecot answers plain 7-bit US-ASCII text with a canned lower-case "
        "structure once BODY was fetched; we keep types and parameters as "
        "written, which RFC 2045 section 5.1 makes equivalent",
        ("01-plain.eml",),
        STRUCTURES,
    ),
    **_deviation(
        "no delimiter line: Dovecot reports one empty text/plain part and "
        "drops the body; we report the whole body as that part so that it "
        "stays readable (RFC 2046 section 5.1.1 defines no recovery; RFC "
        "3501 section 7.4.2 needs at least one part)",
        ("12-broken-boundary.eml", "13-multipart-no-boundary.eml"),
        (*STRUCTURES, *FIRST_PART, "BINARY.SIZE[1]"),
    ),
    **_deviation(
        CRLF_BEFORE_DELIMITER,
        ("18-deep-nesting.eml",),
        (*STRUCTURES, "BODY.PEEK[1]", "BINARY.PEEK[1]", "BINARY.SIZE[1]"),
    ),
    **_deviation(
        CRLF_BEFORE_DELIMITER, ("36-nested-messages.eml",), STRUCTURES
    ),
    **_deviation(
        "repeated Subject and From: RFC 5322 section 3.6 allows one of "
        "each; we use the first field, Dovecot the last Subject and the "
        "addresses of all From fields",
        ("27-duplicate-headers.eml",),
        ("ENVELOPE",),
    ),
    **_deviation(
        "header section without an ending empty line: RFC 3501 section "
        "6.4.5 HEADER.FIELDS.NOT includes the empty line, and RFC 5322 "
        "section 2.2 ends each field with CRLF; Dovecot omits both here",
        ("10-no-headers-text.eml", "11-header-only.eml"),
        FIELDS_NOT,
    ),
    **_deviation(
        "invalid base64 and quoted-printable: Dovecot refuses with NO "
        "[PARSE]; we decode leniently, ignoring characters outside the "
        "base64 alphabet (RFC 2045 section 6.8) and keeping malformed "
        "escapes as they are (RFC 2045 section 6.7, note 2)",
        ("37-transfer-encodings-broken.eml",),
        ("BINARY.PEEK[1]", "BINARY.SIZE[1]", "BINARY.SIZE[2]"),
    ),
    **_deviation(
        "an unquoted boundary containing '=', invalid per RFC 2045 section "
        "5.1: Dovecot cuts the boundary at the '=' and finds an extra "
        "part; we take the whole value up to ';' as the sender meant",
        ("41-unquoted-boundary.eml",),
        STRUCTURES,
    ),
    **_deviation(
        "Content-Type without subtype: RFC 2045 section 5.2 says to treat "
        'an invalid Content-Type as text/plain; Dovecot reports subtype ""',
        ("42-type-without-subtype.eml",),
        STRUCTURES,
    ),
    **_deviation(
        "an empty address list element carries no address (RFC 5322 "
        "section 4.4, obs-addr-list); Dovecot reports a MISSING_MAILBOX "
        "placeholder address for it",
        ("43-empty-list-element.eml",),
        ("ENVELOPE",),
    ),
}


class Atom(str):
    """An IMAP atom in a parsed response, as opposed to a string."""


class ResponseReader:
    """A tolerant parser for IMAP response data (RFC 3501 section 9):
    atoms, numbers, NIL, quoted strings, literals and literal8, lists."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.data)

    def line(self) -> bytes:
        """The rest of the current line, consuming its CRLF."""
        end = self.data.find(b"\r\n", self.pos)
        end = len(self.data) if end < 0 else end
        line, self.pos = self.data[self.pos : end], end + 2
        return line

    def value(self) -> Any:
        self._skip_spaces()
        char = self.data[self.pos : self.pos + 1]
        if char == b"(":
            return self._list()
        if char == b'"':
            return self._quoted()
        if char == b"{" or self.data.startswith(b"~{", self.pos):
            return self._literal()
        return self._atom()

    def _skip_spaces(self) -> None:
        while self.data.startswith(b" ", self.pos):
            self.pos += 1

    def _list(self) -> list[Any]:
        self.pos += 1
        items: list[Any] = []
        while True:
            self._skip_spaces()
            if self.data.startswith(b")", self.pos) or self.at_end():
                self.pos += 1
                return items
            items.append(self.value())

    def _quoted(self) -> bytes:
        out = bytearray()
        self.pos += 1
        while self.pos < len(self.data) and self.data[self.pos] != ord('"'):
            if self.data[self.pos] == ord("\\"):
                self.pos += 1
            out.append(self.data[self.pos])
            self.pos += 1
        self.pos += 1
        return bytes(out)

    def _literal(self) -> bytes:
        close = self.data.index(b"}\r\n", self.pos)
        size = int(self.data[self.pos : close].lstrip(b"~{"))
        start = close + 3
        self.pos = start + size
        return self.data[start : self.pos]

    def _atom(self) -> Any:
        start, depth = self.pos, 0
        while self.pos < len(self.data):
            char = self.data[self.pos : self.pos + 1]
            if depth == 0 and (char in (b" ", b"(", b")") or char == b"\r"):
                break
            depth += {b"[": 1, b"]": -1}.get(char, 0)
            self.pos += 1
        text = self.data[start : self.pos].decode("latin-1")
        if text == "NIL":
            return None
        return int(text) if text.isdigit() else Atom(text)


Fetched = dict[int, dict[str, Any]]


def parse_session(output: bytes) -> tuple[Fetched, dict[str, bytes]]:
    """Collect FETCH data by message number and tagged results by tag."""
    fetched: Fetched = {}
    results: dict[str, bytes] = {}
    reader = ResponseReader(output)
    while not reader.at_end():
        if reader.data.startswith(b"* ", reader.pos):
            _untagged(reader, fetched)
        else:
            tag, _, result = reader.line().partition(b" ")
            results[tag.decode()] = result
    return fetched, results


def _untagged(reader: ResponseReader, fetched: Fetched) -> None:
    reader.pos += 2
    number, kind = reader.value(), reader.value()
    if not (isinstance(number, int) and kind == "FETCH"):
        reader.line()
        return
    items = reader.value()
    reader.line()
    data = fetched.setdefault(number, {})
    data.update(zip(items[::2], items[1::2], strict=True))


def _commands(count: int) -> bytes:
    items = " ".join(ITEMS)
    lines = ["s SELECT INBOX"]
    for number in range(1, count + 1):
        lines.append(f"f{number} FETCH {number} ({items})")
        lines.extend(
            f"b{number}.{i} FETCH {number} ({item})"
            for i, item in enumerate(BINARY_ITEMS)
        )
    lines.append("z LOGOUT")
    return "".join(line + "\r\n" for line in lines).encode()


def _run_dovecot(workdir: Path) -> bytes:
    maildir = workdir / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for index, name in enumerate(CORPUS_NAMES):
        shutil.copy(CORPUS / name, maildir / "cur" / f"{index:04d}.{name}:2,")
    conf = workdir / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(maildir=maildir))
    user, options = hand_over(workdir)
    finished = subprocess.run(
        [str(IMAP_BINARY), "-c", str(conf), *options],
        input=_commands(len(CORPUS_NAMES)),
        capture_output=True,
        cwd=workdir,
        env={"USER": user, "HOME": str(workdir), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    if not finished.stdout.startswith(b"* PREAUTH"):
        pytest.fail(f"Dovecot did not start: {finished.stderr!r}")
    return finished.stdout


@dataclass
class Session:
    """What Dovecot answered, by corpus file name."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    unknown_cte: set[tuple[str, str]] = field(default_factory=set)


def _session(output: bytes) -> Session:
    """Match each fetched message to its corpus file by its full text."""
    fetched, results = parse_session(output)
    names = {
        _crlf((CORPUS / name).read_bytes()): name for name in CORPUS_NAMES
    }
    session = Session()
    for number, data in fetched.items():
        name = names[data["BODY[]"]]
        session.items[name] = data
        for index, item in enumerate(BINARY_ITEMS):
            if b"[UNKNOWN-CTE]" in results[f"b{number}.{index}"]:
                session.unknown_cte.add((name, item))
    return session


def _crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Session]:
    if not IMAP_BINARY.exists():
        skip_or_fail(f"Dovecot is not installed ({IMAP_BINARY} is missing)")
    workdir = Path(tempfile.mkdtemp(prefix="pymap-dovecot-"))
    try:
        output = _run_dovecot(workdir)
    finally:
        shutil.rmtree(workdir)
    yield _session(output)


def _normalised(value: Any) -> Any:
    """Fold runs of white space in strings into one space: RFC 5322
    section 3.2.2 gives folding white space the meaning of a single space,
    and Dovecot unfolds header values that way while we only remove the
    CRLFs (RFC 5322 section 2.2.3)."""
    if isinstance(value, bytes):
        return b" ".join(value.split())
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    return value


def _encodings_folded(structure: Any) -> Any:
    """Lower-case every body-fld-enc: Content-Transfer-Encoding values are
    case-insensitive (RFC 2045 section 6.1); our default is "7BIT" as in
    RFC 3501's examples, Dovecot's "7bit"."""
    if isinstance(structure[0], list):
        count = next(i for i, part in enumerate(structure) if not _list(part))
        parts = [_encodings_folded(part) for part in structure[:count]]
        return parts + structure[count:]
    folded = list(structure)
    folded[5] = folded[5].lower()
    if len(folded) > 8 and folded[0].lower() == b"message":
        folded[8] = _encodings_folded(folded[8])
    return folded


def _list(value: Any) -> bool:
    return isinstance(value, list)


def _comparable(item: str, value: Any) -> Any:
    if item in ("BODY", "BODYSTRUCTURE"):
        return _normalised(_encodings_folded(value))
    if item == "ENVELOPE":
        return _normalised(value)
    # A missing part: RFC 3501 section 6.4.5 and RFC 3516 section 4.2 leave
    # the answer open; Dovecot sends an empty string or size 0,
    # MessageContent returns None.
    if value is None:
        return 0 if "SIZE" in item else b""
    return value


def _assert_agrees(name: str, item: str, ours: Any, theirs: Any) -> None:
    """Equal answers, or, for a listed deliberate difference, answers that
    really differ (so that a stale entry in DEVIATIONS is noticed)."""
    if (name, item) in DEVIATIONS:
        assert _comparable(item, ours) != _comparable(item, theirs), (
            f"no longer differs: {DEVIATIONS[(name, item)]}")
    else:
        assert _comparable(item, ours) == _comparable(item, theirs)


def _ours(name: str, compute: Compute) -> object:
    return compute(MessageContent.parse((CORPUS / name).read_bytes()))


@pytest.mark.parametrize("item", ITEMS)
@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_fetch_item(dovecot: Session, name: str, item: str) -> None:
    response_name, compute = ITEMS[item]
    theirs = dovecot.items[name][response_name]
    _assert_agrees(name, item, _ours(name, compute), theirs)


@pytest.mark.parametrize("item", BINARY_ITEMS)
@pytest.mark.parametrize("name", CORPUS_NAMES)
def test_binary_item(dovecot: Session, name: str, item: str) -> None:
    response_name, compute = BINARY_ITEMS[item]
    if (name, item) in dovecot.unknown_cte:
        with pytest.raises(UnknownEncoding):
            _ours(name, compute)
        return
    theirs = dovecot.items[name].get(response_name)
    _assert_agrees(name, item, _ours(name, compute), theirs)


def test_session_covered_every_message(dovecot: Session) -> None:
    assert sorted(dovecot.items) == CORPUS_NAMES


def test_reader_parses_literals_and_lists() -> None:
    data = b'* 1 FETCH (A ~{3}\r\nx\r\n B[1 (X)] ("q\\"" NIL 7))\r\n'
    fetched, _ = parse_session(data)
    assert fetched == {1: {"A": b"x\r\n", "B[1 (X)]": [b'q"', None, 7]}}

"""Sanity checks for the dict backend's ``--demo-data`` mail files.

Only the standard library is used, so these tests do not depend on the
state of the backend implementation itself.

"""

import base64
import binascii
import email
import email.errors
import email.policy
import re
import struct
import zlib
from email.message import EmailMessage, Message
from pathlib import Path

import pytest

DEMO_DIR = Path(__file__).resolve().parents[2] / 'pymap' / 'backend' / \
    'dict' / 'demo'
FOLDERS = ('INBOX', 'Sent', 'Trash')
SYSTEM_FLAGS = frozenset({'\\Seen', '\\Answered', '\\Flagged',
                          '\\Deleted', '\\Draft'})
BAD_DEFECTS = (
    email.errors.MissingHeaderBodySeparatorDefect,
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.CloseBoundaryNotFoundDefect,
    email.errors.InvalidBase64PaddingDefect,
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64LengthDefect,
)
NAME_RE = re.compile(r'^\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.eml$')
KEYWORD_RE = re.compile(r'^[^\s\\(){%*"\]\x00-\x1f\x7f]+$')
ENCODED_WORD_RE = re.compile(rb'=\?[Uu][Tt][Ff]-8\?[BbQq]\?[^?\s]+\?=')
RFC2231_RE = re.compile(rb"filename\*=[Uu][Tt][Ff]-8'[^']*'\S+")
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
MAX_TOTAL_SIZE = 40 * 1024


def _all_messages() -> list[Path]:
    return sorted(path for folder in FOLDERS
                  for path in (DEMO_DIR / folder).glob('*.eml'))


ALL_MESSAGES = _all_messages()
MESSAGE_IDS = [path.relative_to(DEMO_DIR).as_posix()
               for path in ALL_MESSAGES]


def _parse(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(),
                                   policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _parse_flags() -> dict[str, list[str]]:
    flags: dict[str, list[str]] = {}
    text = (DEMO_DIR / 'flags.txt').read_text('ascii')
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        name, *msg_flags = line.split()
        assert name not in flags, f'duplicate entry: {name}'
        flags[name] = msg_flags
    return flags


def _header_block(path: Path) -> bytes:
    return path.read_bytes().split(b'\r\n\r\n', 1)[0]


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == 'attachment' \
        and part.get_filename() is not None


def test_layout() -> None:
    assert DEMO_DIR.is_dir()
    entries = {path.name for path in DEMO_DIR.iterdir()
               if not path.name.startswith('.')}
    assert entries == {*FOLDERS, 'flags.txt'}
    counts = {folder: len(list((DEMO_DIR / folder).iterdir()))
              for folder in FOLDERS}
    assert 6 <= counts['INBOX'] <= 8
    assert 2 <= counts['Sent'] <= 3
    assert 1 <= counts['Trash'] <= 2
    for path in ALL_MESSAGES:
        assert NAME_RE.match(path.name), path.name


def test_total_size() -> None:
    total = sum(path.stat().st_size for path in DEMO_DIR.rglob('*')
                if path.is_file())
    assert total < MAX_TOTAL_SIZE


@pytest.mark.parametrize('path', ALL_MESSAGES, ids=MESSAGE_IDS)
def test_line_endings(path: Path) -> None:
    data = path.read_bytes()
    assert data.endswith(b'\r\n')
    without_crlf = data.replace(b'\r\n', b'')
    assert b'\n' not in without_crlf, 'bare LF found'
    assert b'\r' not in without_crlf, 'bare CR found'


@pytest.mark.parametrize('path', ALL_MESSAGES, ids=MESSAGE_IDS)
def test_line_length(path: Path) -> None:
    data = path.read_bytes()
    assert data.isascii()
    for num, line in enumerate(data.split(b'\r\n'), 1):
        assert len(line) <= 78, f'line {num} is too long'


@pytest.mark.parametrize('path', ALL_MESSAGES, ids=MESSAGE_IDS)
def test_parses_cleanly(path: Path) -> None:
    msg = _parse(path)
    for part in msg.walk():
        bad = [defect for defect in part.defects
               if isinstance(defect, BAD_DEFECTS)]
        assert not bad, f'{part.get_content_type()}: {bad!r}'
        for name, value in part.items():
            assert not value.defects, f'{name}: {value.defects!r}'


@pytest.mark.parametrize('path', ALL_MESSAGES, ids=MESSAGE_IDS)
def test_required_headers(path: Path) -> None:
    msg = _parse(path)
    for name in ('Date', 'From', 'To', 'Subject', 'Message-ID'):
        assert msg[name], f'missing {name}'
    assert msg['Date'].datetime.year in (2024, 2025)
    assert msg['Date'].datetime.tzinfo is not None
    assert re.fullmatch(r'<[^<>@\s]+@[^<>@\s]+>', str(msg['Message-ID']))
    if 'Content-Type' in msg or 'Content-Transfer-Encoding' in msg:
        assert msg['MIME-Version'] == '1.0'


def test_unique_message_ids() -> None:
    ids = [str(_parse(path)['Message-ID']) for path in ALL_MESSAGES]
    assert len(ids) == len(set(ids))


def test_delivery_order() -> None:
    for folder in FOLDERS:
        paths = sorted((DEMO_DIR / folder).glob('*.eml'))
        dates = [_parse(path)['Date'].datetime for path in paths]
        assert dates == sorted(dates), folder


@pytest.mark.parametrize('path', ALL_MESSAGES, ids=MESSAGE_IDS)
def test_base64_parts_strict(path: Path) -> None:
    for part in _parse(path).walk():
        if part.get('Content-Transfer-Encoding', '').lower() != 'base64':
            continue
        payload = part.get_payload(decode=False)
        lines = payload.splitlines()
        assert all(len(line) <= 76 for line in lines)
        try:
            base64.b64decode(''.join(lines), validate=True)
        except binascii.Error as exc:
            pytest.fail(f'invalid base64: {exc}')


def test_png_attachment_is_valid() -> None:
    pngs = [part.get_payload(decode=True)
            for path in ALL_MESSAGES for part in _parse(path).walk()
            if part.get_content_type() == 'image/png']
    assert pngs
    for data in pngs:
        assert data.startswith(PNG_SIGNATURE)
        pos, kinds, idat = len(PNG_SIGNATURE), [], b''
        width = height = 0
        while pos < len(data):
            length, = struct.unpack('>I', data[pos:pos + 4])
            kind = data[pos + 4:pos + 8]
            body = data[pos + 8:pos + 8 + length]
            crc, = struct.unpack('>I', data[pos + 8 + length:
                                            pos + 12 + length])
            assert crc == zlib.crc32(kind + body), kind
            if kind == b'IHDR':
                width, height = struct.unpack('>II', body[:8])
            elif kind == b'IDAT':
                idat += body
            kinds.append(kind)
            pos += 12 + length
        assert kinds[0] == b'IHDR' and kinds[-1] == b'IEND'
        assert width and height
        assert zlib.decompress(idat)


def test_flags_file() -> None:
    flags = _parse_flags()
    assert flags
    for name, msg_flags in flags.items():
        assert (DEMO_DIR / name).is_file(), f'no such message: {name}'
        assert msg_flags, f'no flags listed for {name}'
        assert len(msg_flags) == len(set(msg_flags)), name
        for flag in msg_flags:
            if flag.startswith('\\'):
                assert flag in SYSTEM_FLAGS, flag
            else:
                assert KEYWORD_RE.match(flag), flag
    keywords = {flag for msg_flags in flags.values()
                for flag in msg_flags if not flag.startswith('\\')}
    assert len(keywords) >= 2


def test_folder_flags() -> None:
    flags = _parse_flags()
    for path in ALL_MESSAGES:
        name = path.relative_to(DEMO_DIR).as_posix()
        msg_flags = set(flags.get(name, ()))
        if name.startswith('Sent/'):
            assert '\\Seen' in msg_flags, name
        elif name.startswith('Trash/'):
            assert {'\\Seen', '\\Deleted'} <= msg_flags, name
        else:
            assert '\\Deleted' not in msg_flags, name


def test_reply_thread() -> None:
    inbox_ids = {str(_parse(path)['Message-ID'])
                 for path in (DEMO_DIR / 'INBOX').glob('*.eml')}
    replies = 0
    for path in (DEMO_DIR / 'Sent').glob('*.eml'):
        msg = _parse(path)
        assert 'demouser@example.com' in str(msg['From'])
        parent = msg['In-Reply-To']
        if parent is None:
            continue
        parent = str(parent).strip()
        assert parent in str(msg['References']).split()
        assert str(msg['Subject']).startswith('Re: ')
        if parent in inbox_ids:
            replies += 1
    assert replies >= 1


def test_inbox_has_required_kinds() -> None:
    found: set[str] = set()
    for path in sorted((DEMO_DIR / 'INBOX').glob('*.eml')):
        msg = _parse(path)
        if ENCODED_WORD_RE.search(_header_block(path)):
            found.add('encoded-word')
        if msg.get_all('Cc') and msg.get('Reply-To') \
                and len(msg['To'].addresses) > 1:
            found.add('cc-reply-to')
        for part in msg.walk():
            ctype = part.get_content_type()
            cte = part.get('Content-Transfer-Encoding', '').lower()
            if ctype == 'multipart/alternative':
                found.add('alternative')
            elif ctype == 'message/rfc822':
                found.add('rfc822')
            if cte == 'quoted-printable':
                found.add('quoted-printable')
            if _is_attachment(part):
                found.add('attachment')
                if not part.get_filename().isascii():
                    assert RFC2231_RE.search(path.read_bytes())
                    found.add('rfc2231-filename')
    assert found >= {'alternative', 'attachment', 'rfc822', 'encoded-word',
                     'quoted-printable', 'cc-reply-to',
                     'rfc2231-filename'}

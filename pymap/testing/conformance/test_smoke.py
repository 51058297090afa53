"""A first end-to-end check that the fixtures and server work."""

from __future__ import annotations

import imaplib


def test_login_select_append_fetch(imap: imaplib.IMAP4) -> None:
    typ, selected = imap.select('INBOX')
    assert (typ, selected) == ('OK', [b'0'])
    typ, appended = imap.append('INBOX', '(\\Seen)', None,
                                b'Subject: hello\r\n\r\nworld\r\n')
    assert typ == 'OK'
    assert appended[0] is not None
    assert appended[0].startswith(b'[APPENDUID ')
    typ, fetched = imap.fetch('1', '(FLAGS BODY.PEEK[TEXT])')
    assert typ == 'OK'
    first = fetched[0]
    assert isinstance(first, tuple)
    assert first[1] == b'world\r\n'
    assert b'\\Seen' in first[0]

"""A first end-to-end check that the fixtures and server work."""

from __future__ import annotations

import imaplib


def test_login_select_append_fetch(imap: imaplib.IMAP4) -> None:
    typ, data = imap.select('INBOX')
    assert (typ, data) == ('OK', [b'0'])
    typ, data = imap.append('INBOX', '(\\Seen)', None,
                            b'Subject: hello\r\n\r\nworld\r\n')
    assert typ == 'OK'
    assert data[0].startswith(b'[APPENDUID ')
    typ, data = imap.fetch('1', '(FLAGS BODY.PEEK[TEXT])')
    assert typ == 'OK'
    assert data[0][1] == b'world\r\n'
    assert b'\\Seen' in data[0][0]

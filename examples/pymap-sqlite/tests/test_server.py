"""The backend behind a real IMAP server, as clients see it."""

from __future__ import annotations

import imaplib
from pathlib import Path

from pymap.testing import TEST_PASSWORD, TEST_USER, ServerThread

from pymap_sqlite.testing import backend_factory


def test_append_fetch_and_restart(tmp_path: Path) -> None:
    factory = backend_factory(tmp_path)
    with ServerThread(factory) as server:
        client = imaplib.IMAP4(server.host, server.port)
        client.login(TEST_USER, TEST_PASSWORD)
        client.append('INBOX', '(\\Flagged)', None,
                      b'Subject: kept\r\n\r\nacross restarts\r\n')
        client.logout()
    with ServerThread(factory) as server:
        client = imaplib.IMAP4(server.host, server.port)
        client.login(TEST_USER, TEST_PASSWORD)
        client.select('INBOX')
        status, data = client.uid('FETCH', '1', '(FLAGS BODY[])')
        client.logout()
    assert status == 'OK'
    assert b'\\Flagged' in data[0][0]
    assert data[0][1] == b'Subject: kept\r\n\r\nacross restarts\r\n'

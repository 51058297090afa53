"""Times FETCH 1:* (FLAGS), (ENVELOPE) and a flag-only SEARCH on a large
mailbox of the dict backend, through a real socket.

    python bench/large_mailbox.py [--messages 10000]

Benchmarks only; the test suite never asserts timings.
"""

from __future__ import annotations

import argparse
import imaplib
import time
from collections.abc import Callable
from datetime import UTC, datetime

from pymap.backend.dict import DictBackend, DictUsers
from pymap.interfaces.backend import Backend
from pymap.interfaces.storage import NewMessage
from pymap.testing import BackendFactory, ServerThread

_TEMPLATE = (b'From: Sender %d <sender%d@example.com>\r\n'
             b'To: rcpt@example.com\r\nSubject: message number %d\r\n'
             b'Date: Mon, 4 Nov 2024 09:00:00 +0000\r\n'
             b'Message-ID: <%d@example.com>\r\n\r\n' + b'body line\r\n' * 40)


def _factory(count: int) -> BackendFactory:
    async def build() -> Backend:
        users = DictUsers()
        mailboxes = users.add_user('bench', 'benchpass')
        inbox = await mailboxes.get_mailbox('INBOX')
        date = datetime.now(UTC)
        await inbox.append([NewMessage(_TEMPLATE % (i, i, i, i),
                                       frozenset(), date)
                            for i in range(count)])
        return DictBackend(users)
    return build


def _timed(label: str, count: int,
           call: Callable[[], tuple[str, object]]) -> None:
    start = time.perf_counter()
    typ, _ = call()
    elapsed = time.perf_counter() - start
    assert typ == 'OK'
    print(f'{label:34} {elapsed * 1000:8.1f} ms  '
          f'{count / elapsed:12,.0f} msg/s')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--messages', type=int, default=10000)
    count = parser.parse_args().messages
    with ServerThread(_factory(count)) as server:
        client = imaplib.IMAP4(server.host, server.port)
        client.login('bench', 'benchpass')
        _timed('SELECT', count, lambda: client.select('INBOX'))
        for _ in range(2):
            _timed('FETCH 1:* (FLAGS)', count,
                   lambda: client.fetch('1:*', '(FLAGS)'))
            _timed('FETCH 1:* (ENVELOPE)', count,
                   lambda: client.fetch('1:*', '(ENVELOPE)'))
            _timed('UID FETCH 1:* (UID FLAGS RFC822.SIZE)', count,
                   lambda: client.uid('FETCH', '1:*', '(FLAGS RFC822.SIZE)'))
            _timed('SEARCH UNSEEN', count,
                   lambda: client.search(None, 'UNSEEN'))
        client.logout()


if __name__ == '__main__':
    main()

"""A stand-in IMAP server that does next to nothing: the yardstick
client's own ceiling on this machine.

It keeps appended messages in memory and answers each command at once,
with no parsing beyond what the yardstick sends, so what the yardstick
measures against it is the client, the loopback and the event loop: no
real server can look faster to the same client. It serves the scenarios
whose answers need no work: append, fetch-body, store and idle-fanout
(a new message is announced to the sessions in IDLE on its mailbox before
the APPEND is answered). Anything else is answered ``BAD``.

    taskset -c 0 python bench/null_server.py --port 1143 &
    taskset -c 1 python ../shared/bench/imapbench.py --port 1143 \\
        --scenarios append,fetch-body,store,idle-fanout

It is a measuring aid, not an IMAP server: it checks no password and
no syntax.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import cast

_LITERAL = re.compile(rb'\{(\d+)\}\r\n\Z')
#: The yardstick's scenarios this server answers; the others it cannot.
SCENARIOS = frozenset({'append', 'fetch-body', 'store', 'idle-fanout'})


class _Store:
    """The mailboxes' messages, and the sessions in IDLE on each."""

    def __init__(self) -> None:
        self.messages: dict[bytes, list[bytes]] = {}
        self.idlers: dict[bytes, set[_Session]] = {}

    def deliver(self, mailbox: bytes, message: bytes) -> int:
        """Stores *message*, tells the sessions in IDLE; its UID."""
        messages = self.messages.setdefault(mailbox, [])
        messages.append(message)
        for session in self.idlers.get(mailbox, ()):
            session.send(b'* %d EXISTS\r\n' % len(messages))
        return len(messages)


class _Session(asyncio.Protocol):
    """One connection: lines, one synchronizing APPEND literal at a
    time, and IDLE."""

    def __init__(self, store: _Store) -> None:
        self._store = store
        self._transport: asyncio.Transport
        self._buffer = b''
        self._literal: tuple[int, bytes, bytes] | None = None
        self._mailbox = b''
        self._idle_tag: bytes | None = None

    def send(self, *chunks: bytes) -> None:
        self._transport.writelines(chunks)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)
        self.send(b'* OK null server ready\r\n')

    def connection_lost(self, exc: Exception | None) -> None:
        self._store.idlers.get(self._mailbox, set()).discard(self)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._step():
            pass

    def _step(self) -> bool:
        if self._literal is not None:
            size, tag, mailbox = self._literal
            if len(self._buffer) < size + 2:
                return False
            message = self._buffer[:size]
            self._buffer = self._buffer[size + 2:]
            self._literal = None
            uid = self._store.deliver(mailbox, message)
            self.send(b'%s OK [APPENDUID 1 %d] done\r\n' % (tag, uid))
            return True
        end = self._buffer.find(b'\n')
        if end < 0:
            return False
        line, self._buffer = self._buffer[:end + 1], self._buffer[end + 1:]
        self._line(line)
        return True

    def _line(self, line: bytes) -> None:
        if self._idle_tag is not None:  # DONE
            self._store.idlers[self._mailbox].discard(self)
            self.send(self._idle_tag + b' OK IDLE done\r\n')
            self._idle_tag = None
            return
        tag, _, rest = line.rstrip(b'\r\n').partition(b' ')
        verb, _, arg = rest.partition(b' ')
        handler = _HANDLERS.get(verb.upper())
        if handler is None:
            self.send(tag + b' BAD not served here\r\n')
        else:
            handler(self, tag, arg, line)

    def _ok(self, tag: bytes, arg: bytes, line: bytes) -> None:
        self.send(tag + b' OK done\r\n')

    def _create(self, tag: bytes, arg: bytes, line: bytes) -> None:
        self._store.messages.setdefault(arg.strip(b'"'), [])
        self._ok(tag, arg, line)

    def _delete(self, tag: bytes, arg: bytes, line: bytes) -> None:
        self._store.messages.pop(arg.strip(b'"'), None)
        self._ok(tag, arg, line)

    def _select(self, tag: bytes, arg: bytes, line: bytes) -> None:
        self._mailbox = arg.strip(b'"')
        count = len(self._store.messages.setdefault(self._mailbox, []))
        self.send(b'* %d EXISTS\r\n%s OK [READ-WRITE] done\r\n'
                  % (count, tag))

    def _append(self, tag: bytes, arg: bytes, line: bytes) -> None:
        match = _LITERAL.search(line)
        if match is None:
            self.send(tag + b' BAD a synchronizing literal, please\r\n')
            return
        mailbox = arg.partition(b' ')[0].strip(b'"')
        self._literal = (int(match.group(1)), tag, mailbox)
        self.send(b'+ go on\r\n')

    def _idle(self, tag: bytes, arg: bytes, line: bytes) -> None:
        self._store.idlers.setdefault(self._mailbox, set()).add(self)
        self._idle_tag = tag
        self.send(b'+ idling\r\n')

    def _uid(self, tag: bytes, arg: bytes, line: bytes) -> None:
        verb, _, rest = arg.partition(b' ')
        messages = self._store.messages.get(self._mailbox, [])
        if verb.upper() == b'SEARCH':
            uids = b''.join(b' %d' % uid
                            for uid in range(1, len(messages) + 1))
            self.send(b'* SEARCH%s\r\n%s OK done\r\n' % (uids, tag))
        elif verb.upper() == b'FETCH':
            uid = int(rest.partition(b' ')[0])
            message = messages[uid - 1]
            self.send(b'* %d FETCH (UID %d BODY[] {%d}\r\n'
                      % (uid, uid, len(message)),
                      message, b')\r\n%s OK done\r\n' % tag)
        else:  # STORE: nothing to keep
            self._ok(tag, arg, line)

    def _logout(self, tag: bytes, arg: bytes, line: bytes) -> None:
        self.send(b'* BYE\r\n%s OK done\r\n' % tag)
        self._transport.close()


_HANDLERS = {
    b'LOGIN': _Session._ok, b'CREATE': _Session._create,
    b'DELETE': _Session._delete, b'SELECT': _Session._select,
    b'APPEND': _Session._append, b'IDLE': _Session._idle,
    b'UID': _Session._uid, b'LOGOUT': _Session._logout,
}


async def _serve(host: str, port: int) -> None:
    store = _Store()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Session(store), host, port)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:
        asyncio.run(_serve(args.host, args.port))
    else:
        uvloop.run(_serve(args.host, args.port))


if __name__ == '__main__':
    main()

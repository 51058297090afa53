"""A raw socket IMAP client for transcript tests: send exact bytes, read
exact lines, match them against patterns."""

from __future__ import annotations

import re
import socket

__all__ = ['RawClient']


class RawClient:
    """Line-oriented access to a server socket, with a timeout."""

    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        self._setup(socket.create_connection((host, port), timeout=timeout))

    def _setup(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b''
        self.greeting = self.readline()

    @classmethod
    def from_socket(cls, sock: socket.socket) -> RawClient:
        """Wraps a connected socket (e.g. one that sent a PROXY header)."""
        client = cls.__new__(cls)
        client._setup(sock)
        return client

    def send(self, data: bytes) -> None:
        """Sends bytes as they are."""
        self.sock.sendall(data)

    def readline(self) -> bytes:
        """One response line, CRLF included; b'' when the server closed."""
        while b'\r\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                line, self.buf = self.buf, b''
                return line
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b'\r\n')
        return line + b'\r\n'

    def read_exact(self, size: int) -> bytes:
        """Exactly *size* bytes (a literal's content)."""
        while len(self.buf) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buf += chunk
        data, self.buf = self.buf[:size], self.buf[size:]
        return data

    def until_tagged(self, tag: bytes) -> list[bytes]:
        """Every line up to and including the tagged response for *tag*."""
        lines = []
        while True:
            line = self.readline()
            lines.append(line)
            if not line or line.startswith(tag + b' '):
                return lines

    def command(self, line: bytes) -> list[bytes]:
        """Sends one tagged command line and reads up to its completion."""
        tag = line.split(b' ', 1)[0]
        self.send(line + b'\r\n')
        return self.until_tagged(tag)

    def expect(self, lines: list[bytes], patterns: list[bytes]) -> None:
        """Asserts each line matches its regex pattern in order."""
        assert len(lines) == len(patterns), lines
        for line, pattern in zip(lines, patterns, strict=True):
            assert re.fullmatch(pattern, line, re.DOTALL), (line, pattern)

    def closed(self) -> bool:
        """Whether the server has closed the connection."""
        try:
            return self.sock.recv(1) == b''
        except (ConnectionError, TimeoutError):
            return True

    def close(self) -> None:
        """Closes the socket."""
        self.sock.close()

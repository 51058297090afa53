"""Splits the client's byte stream into whole commands, sans-I/O.

The I/O layer feeds whatever it receives and asks for the next event. A
line ending in a literal announcement (``{n}``, ``{n+}``, ``~{n}``) stops
the framer until the I/O layer accepts or rejects the literal, so limits are
checked before any literal byte is buffered (RFC 7888 §4; RFC 3501 §7.5).
Rejected and over-long input is skipped without being kept in memory.
A literal's octets are gathered in one buffer that becomes their bytes
without a copy, and go to the parser apart from the command's lines: a
message of any size is held once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from .scanner import to_number

__all__ = ['CommandFramer', 'Discarded', 'Framed', 'LineTooLong',
           'LiteralRequest', 'NeedData']

_LITERAL_END = re.compile(rb'~?\{([0-9]+)(\+?)\}\r?\n\Z')
#: How much of an over-long line's end is kept to find the literal
#: announcement that may end it; a longer run of digits than
#: :func:`to_number` converts is cut to one digit more, which it still finds
#: too large, so that an announcement of any size fits.
_TAIL_SIZE = 32
_DIGITS = b'0123456789'
_LONG_NUMBER = re.compile(rb'[0-9]{21,}')
_CUT_NUMBER = b'9' * 21


@dataclass(frozen=True, slots=True)
class NeedData:
    """More bytes are needed."""


@dataclass(slots=True, init=False)
class Framed:
    """A whole command without the final CRLF: its lines, each literal
    announcement included but not the literal's octets, and the literals'
    octets in order (see :func:`~pymap.parsing.parser.parse_command`).

    Made once per command, so neither frozen nor given a generated
    ``__init__`` (see :mod:`pymap.parsing.commands`)."""

    data: bytes
    literals: tuple[bytes, ...]

    def __init__(self, data: bytes, literals: tuple[bytes, ...] = ()) -> None:
        self.data = data
        self.literals = literals


@dataclass(slots=True)
class LiteralRequest:
    """The command so far announces a literal of *size* bytes. Answer with
    :meth:`CommandFramer.accept_literal` or
    :meth:`CommandFramer.reject_literal`. *head* is the command's first
    line, for finding its tag and verb."""

    size: int
    synchronizing: bool
    head: bytes


@dataclass(frozen=True, slots=True)
class LineTooLong:
    """A line exceeded the limit; it was drained up to its end. *head* is
    its beginning, for finding the tag."""

    head: bytes


@dataclass(frozen=True, slots=True)
class Discarded:
    """A rejected command has been skipped completely; the I/O layer may
    now send its answer, if it has one pending."""


Event = NeedData | Framed | LiteralRequest | LineTooLong | Discarded

_NEED_DATA = NeedData()
_DISCARDED = Discarded()


class CommandFramer:
    """Incremental command framing with a per-line length limit.

    Args:
        max_line: The longest line accepted, in bytes.
    """

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self._buf = bytearray()
        self._parts: list[bytes] = []
        self._literals: list[bytes] = []
        self._literal = io.BytesIO()
        self._pending: LiteralRequest | None = None
        self._literal_left = 0
        self._skip_left = 0
        self._skipped = 0
        self._draining_line = False
        self._discarding = False
        self._rejected = False
        self._drained_head = b''
        self._drained_tail = b''

    def feed(self, data: bytes) -> None:
        """Adds received bytes."""
        self._buf += data

    def clear(self) -> None:
        """Forgets all buffered input (after STARTTLS, RFC 3501 §6.2.1:
        nothing sent before the TLS handshake may be acted on)."""
        self._buf.clear()

    @property
    def buffered(self) -> int:
        """Bytes received but not yet framed."""
        return len(self._buf)

    def next_event(self) -> Event:
        """The next framing event for the bytes fed so far."""
        if self._pending is not None:
            raise RuntimeError('Literal request not answered.')
        while True:
            event = self._step()
            if event is not None:
                return event

    def read_line(self) -> bytes | LineTooLong | None:
        """A raw line without literal processing (SASL responses, IDLE's
        ``DONE``), CRLF stripped; ``None`` if incomplete. Such a line has
        no literal syntax (RFC 3501 §6.2.2, RFC 2177 §3): one that is too
        long is drained to its end whatever it ends in, and the next
        bytes are the next line."""
        event = self._take_line()
        if event is None or isinstance(event, LineTooLong):
            return event
        return _strip_eol(event)

    def take(self, size: int) -> bytes | None:
        """The next *size* bytes as received, outside any command (a PROXY
        protocol header before the first one); ``None`` until that many
        came."""
        if len(self._buf) < size:
            return None
        taken = bytes(self._buf[:size])
        del self._buf[:size]
        return taken

    def take_line(self) -> bytes | LineTooLong | None:
        """:meth:`read_line` with the line's end kept (a PROXY protocol
        header's first line)."""
        return self._take_line()

    @property
    def skipped(self) -> int:
        """Octets of the refused non-synchronizing literals of the command
        being discarded, skipped or still to be skipped (RFC 7888 §4), so
        that the I/O layer can bound them as it bounds those of a command
        it accepts. Still counted at :class:`Discarded`; zero again from
        the next command's first line."""
        return self._skipped

    def accept_literal(self) -> None:
        """Reads the announced literal's bytes into the command."""
        request = self._take_pending()
        self._literal_left = request.size
        if not request.size:
            self._end_literal()

    def reject_literal(self) -> None:
        """Drops the command. A non-synchronizing literal's bytes are
        skipped, then the rest of the command; :class:`Discarded` is sent
        once that is done."""
        request = self._take_pending()
        self._forget_command()
        if request.synchronizing:
            self._rejected = True
        else:
            self._start_skip(request.size)

    def _take_pending(self) -> LiteralRequest:
        request = self._pending
        if request is None:
            raise RuntimeError('No literal request to answer.')
        self._pending = None
        return request

    def _step(self) -> Event | None:
        if self._rejected:
            self._rejected = False
            return _DISCARDED
        if self._skip_left:
            return self._skip()
        if self._literal_left:
            return self._read_literal()
        was_discarding = self._discarding
        if not was_discarding:  # a command not refused: nothing skipped
            self._skipped = 0
        line = self._take_line()
        if line is None:
            return _NEED_DATA
        if isinstance(line, LineTooLong):
            return self._too_long(line, was_discarding)
        return self._line_done(line)

    def _too_long(self, event: LineTooLong,
                  was_discarding: bool) -> Event | None:
        """An over-long line refuses its command, unless already refused:
        the non-synchronizing literal it may announce is skipped, then the
        rest of the command (RFC 7888 §4). Only a command's lines announce
        literals, never a raw line (see :meth:`read_line`)."""
        self._skip_trailing_literal()
        head = self._parts[0] if self._parts else event.head
        self._forget_command()
        if was_discarding:
            if self._discarding:
                return None
            return _DISCARDED
        return LineTooLong(head[:self.max_line])

    def _start_skip(self, size: int) -> None:
        """Discards the command, skipping first the *size* octets of its
        refused non-synchronizing literal (RFC 7888 §4)."""
        self._skip_left = size
        self._skipped += size
        self._discarding = True

    def _skip(self) -> Event | None:
        taken = min(self._skip_left, len(self._buf))
        del self._buf[:taken]
        self._skip_left -= taken
        return _NEED_DATA if self._skip_left else None

    def _read_literal(self) -> Event | None:
        taken = min(self._literal_left, len(self._buf))
        with memoryview(self._buf) as received:
            self._literal.write(received[:taken])
        del self._buf[:taken]
        self._literal_left -= taken
        if self._literal_left:
            return _NEED_DATA
        self._end_literal()
        return None

    def _end_literal(self) -> None:
        # The buffer's own bytes object is handed over, not copied.
        self._literals.append(self._literal.getvalue())
        self._literal = io.BytesIO()

    def _forget_command(self) -> None:
        self._parts.clear()
        self._literals.clear()

    def _line_done(self, line: bytes) -> Event | None:
        match = _literal_end(line)
        if match is None:
            parts, self._parts = self._parts, []
            literals, self._literals = self._literals, []
            parts.append(_strip_eol(line))
            if self._discarding:
                self._discarding = False
                return _DISCARDED
            return Framed(b''.join(parts), tuple(literals))
        size, sync = to_number(match.group(1)), not match.group(2)
        if self._discarding:
            if sync:
                self._discarding = False
                return _DISCARDED
            self._start_skip(size)
            return None
        self._parts.append(line[:-1] if line.endswith(b'\r\n')
                           else line[:-1] + b'\r')
        self._parts[-1] = self._parts[-1] + b'\n'
        self._pending = LiteralRequest(size, sync, self._parts[0])
        return self._pending

    def _take_line(self) -> bytes | LineTooLong | None:
        if self._draining_line:
            return self._drain_line()
        end = self._buf.find(b'\n', 0, self.max_line + 2)
        if end < 0:
            if len(self._buf) > self.max_line + 1:
                self._drained_head = bytes(self._buf[:self.max_line])
                self._drained_tail = _line_end(self._drained_head)
                del self._buf[:self.max_line]
                self._draining_line = True
                return self._drain_line()
            return None
        line = bytes(self._buf[:end + 1])
        del self._buf[:end + 1]
        if end - (line[-2:] == b'\r\n') > self.max_line:
            self._drained_tail = _line_end(line)
            return LineTooLong(line[:self.max_line])
        return line

    def _drain_line(self) -> LineTooLong | None:
        end = self._buf.find(b'\n')
        chunk = self._buf if end < 0 else self._buf[:end + 1]
        self._drained_tail = _line_end(self._drained_tail + chunk)
        if end < 0:
            self._buf.clear()
            return None
        del self._buf[:end + 1]
        self._draining_line = False
        return LineTooLong(self._drained_head)

    def _skip_trailing_literal(self) -> None:
        """Skips the non-synchronizing literal that the over-long line just
        drained announces at its end, if any; a synchronizing one is never
        sent, as no continuation request invites it (RFC 3501 §7.5)."""
        match = _literal_end(self._drained_tail)
        if match is not None and match.group(2):
            self._start_skip(to_number(match.group(1)))
        else:
            self._discarding = False


def _literal_end(line: bytes) -> re.Match[bytes] | None:
    """The literal announcement ending *line*, if any (most lines end
    without one, which one look at their end tells)."""
    if not line.endswith((b'}\r\n', b'}\n')):
        return None
    return _LITERAL_END.search(line)


def _line_end(data: bytes) -> bytes:
    """The end of *data*, part of an over-long line, with long runs of
    digits cut: an announcement of a literal however large stays whole in
    it, and still too large. Only the end is scanned, from the byte before
    the run of digits that reaches into it, which keeps a ``{``."""
    start = len(data[:-_TAIL_SIZE].rstrip(_DIGITS))
    end = _LONG_NUMBER.sub(_CUT_NUMBER, data[max(start - 1, 0):])
    return end[-_TAIL_SIZE:]


def _strip_eol(line: bytes) -> bytes:
    if line.endswith(b'\r\n'):
        return line[:-2]
    return line[:-1]

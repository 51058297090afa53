"""A small driver that feeds a CommandFramer and records its events, the
way the I/O layer would."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pymap.parsing.framing import (
    CommandFramer,
    Event,
    Framed,
    LiteralRequest,
    NeedData,
)

_ANNOUNCEMENT = re.compile(rb'~?\{[0-9]+\+?\}\r\n')


def drain(framer: CommandFramer, answers: list[bool],
          events: list[Event]) -> None:
    """Collects events until the framer needs data, answering literal
    requests from *answers* (accepting once they run out)."""
    while True:
        event = framer.next_event()
        if isinstance(event, NeedData):
            return
        events.append(event)
        if isinstance(event, LiteralRequest):
            if answers.pop(0) if answers else True:
                framer.accept_literal()
            else:
                framer.reject_literal()


def run(chunks: Iterable[bytes], max_line: int = 8192,
        answers: Sequence[bool] = ()) -> list[Event]:
    """Every event except NeedData for the given chunks, in order."""
    framer = CommandFramer(max_line)
    pending = list(answers)
    events: list[Event] = []
    for chunk in chunks:
        framer.feed(chunk)
        drain(framer, pending, events)
    return events


def bytewise(data: bytes) -> list[bytes]:
    """The data one byte at a time."""
    return [data[i:i + 1] for i in range(len(data))]


def on_the_wire(framed: Framed) -> bytes:
    """The command as the client sent it: each literal's octets back
    after its announcement."""
    literals = iter(framed.literals)
    pieces: list[bytes] = []
    start = 0
    for match in _ANNOUNCEMENT.finditer(framed.data):
        pieces += [framed.data[start:match.end()], next(literals)]
        start = match.end()
    assert next(literals, None) is None, 'a literal without announcement'
    return b''.join([*pieces, framed.data[start:]])

"""The updates that one mailbox change pushes to many sessions in IDLE
(RFC 2177 §3), sent a batch at a time."""

from __future__ import annotations

import asyncio
from typing import Protocol

__all__ = ['UpdateBatch']

#: A batch goes out once this many connections hold an update...
BATCH_CONNECTIONS = 64
#: ...or once their updates add up to this many bytes.
BATCH_BYTES = 65536


class HeldUpdate(Protocol):
    """A connection holding an update for the batch to send."""

    def send_held(self) -> None:
        """Hands the held update to the transport."""
        ...


class UpdateBatch:
    """Sends the updates that sessions in IDLE hold, several at a time.

    One change wakes every session in IDLE on the mailbox, in one turn of
    the event loop. Were each to send its update as soon as it has it,
    between the other sessions' work, its client would often have read
    everything before and be asleep, and each send would pay to wake a
    client: on loopback, the sending process runs the receiving side's
    TCP and that wake-up. Held until :data:`BATCH_CONNECTIONS` sessions
    (or :data:`BATCH_BYTES`) have theirs, the sends follow each other,
    and a client that reads many connections is still busy with the
    first when the next arrive. What is held goes out at the latest in
    the event loop's next turn.
    """

    __slots__ = ('_held', '_held_bytes', '_max_bytes', '_max_held',
                 '_scheduled')

    def __init__(self, max_held: int = BATCH_CONNECTIONS,
                 max_bytes: int = BATCH_BYTES) -> None:
        self._held: list[HeldUpdate] = []
        self._held_bytes = 0
        self._max_held = max_held
        self._max_bytes = max_bytes
        self._scheduled = False

    def add(self, connection: HeldUpdate, size: int) -> None:
        """*connection* holds an update of *size* bytes to send."""
        self._held.append(connection)
        self._held_bytes += size
        if len(self._held) >= self._max_held \
                or self._held_bytes >= self._max_bytes:
            self.flush()
        elif not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush_scheduled)

    def flush(self) -> None:
        """Sends every held update, in the order they came."""
        held, self._held = self._held, []
        self._held_bytes = 0
        for connection in held:
            connection.send_held()

    def _flush_scheduled(self) -> None:
        self._scheduled = False
        self.flush()

"""Costly messages are analysed off the event loop (ARCHITECTURE.md §2,
rule 6).

Deriving a message's summary (ENVELOPE and BODYSTRUCTURE of RFC 3501
§7.4.2, the text SEARCH looks in, §6.4.4), locating a body part
(§6.4.5) and decoding one (RFC 3516) cost time in proportion to the
message: to its size, and above all to its header fields, whose parsing
is pure Python (about a microsecond and a half per octet of addresses).
A message made to be costly, tens of megabytes of parts with hundreds of
header fields each or a ``To`` field of megabytes, took seconds, and on
the event loop every other session waited that long.

A message is costly when it is :data:`LARGE_BYTES` long or its own header
section :data:`LARGE_HEADER_BYTES`. Its analysis runs in a worker thread
(:func:`~pymap.executor.run_blocking`), where the interpreter hands the
event loop its turn every few milliseconds
(:func:`sys.getswitchinterval`). Messages below both marks are analysed
on the loop: an ordinary one takes about as long as the hand-over to a
worker and back (tens of microseconds), and none below the marks more
than about 15 ms (doc/performance.md, "Costly messages").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pymap.executor import run_blocking
from pymap.mime import MessageContent, MessageSummary

__all__ = ['LARGE_BYTES', 'LARGE_HEADER_BYTES', 'is_costly',
           'off_loop_if_large', 'summary_of']

_T = TypeVar('_T')

#: Messages at least this long are analysed off the event loop.
LARGE_BYTES = 256 * 1024
#: So are messages whose header section is at least this long: about 15
#: ms of the costliest header fields.
LARGE_HEADER_BYTES = 16 * 1024


def is_costly(content: MessageContent) -> bool:
    """Whether analysing *content* belongs off the event loop."""
    return content.size >= LARGE_BYTES \
        or content.header_size >= LARGE_HEADER_BYTES


def _summary(content: MessageContent) -> MessageSummary:
    return content.summary


async def summary_of(content: MessageContent) -> MessageSummary:
    """The summary of *content*, derived off the event loop when it is
    costly."""
    if is_costly(content):
        return await run_blocking(_summary, content)
    return content.summary


async def off_loop_if_large(func: Callable[[bytes], _T], data: bytes) -> _T:
    """``func(data)``, in a worker when *data* is :data:`LARGE_BYTES` long
    or longer: for work in proportion to a message's octets, such as
    hashing it or scanning its line endings (RFC 3501 §2.3.4)."""
    if len(data) >= LARGE_BYTES:
        return await run_blocking(func, data)
    return func(data)

"""Sans-I/O command framing: CommandFramer."""

from __future__ import annotations

import tracemalloc

import pytest

from pymap.parsing.commands import (
    AppendCommand,
    Command,
    LoginCommand,
    NoOpCommand,
)
from pymap.parsing.framing import (
    CommandFramer,
    Discarded,
    Event,
    Framed,
    LineTooLong,
    LiteralRequest,
    NeedData,
)
from pymap.parsing.parser import command_head, parse_command

from .cases import VALID
from .framer_driver import bytewise, drain, on_the_wire, run


@pytest.mark.parametrize(('wire', 'expected'), VALID,
                         ids=[repr(wire[:40]) for wire, _ in VALID])
def test_valid_command_frames_alike(wire: bytes, expected: Command) -> None:
    data = wire + b'\r\n'
    whole = run([data])
    single = run(bytewise(data))
    assert whole == single
    framed = [event for event in whole if isinstance(event, Framed)]
    assert [on_the_wire(event) for event in framed] == [wire]
    assert parse_command(framed[0].data, framed[0].literals) == expected
    requests = [event for event in whole
                if isinstance(event, LiteralRequest)]
    assert whole == [*requests, framed[0]]
    assert len(requests) == wire.count(b'}\r\n')
    for request in requests:
        assert wire.startswith(request.head)
        assert command_head(request.head) == command_head(wire)


def test_pipelined_commands() -> None:
    data = b''.join(wire + b'\r\n' for wire, _ in VALID)
    for chunks in ([data], bytewise(data)):
        framed = [on_the_wire(event) for event in run(chunks)
                  if isinstance(event, Framed)]
        assert framed == [wire for wire, _ in VALID]


def test_literal_requests() -> None:
    framer = CommandFramer(100)
    framer.feed(b'a1 LOGIN {4}\r\nfred')
    first = framer.next_event()
    assert first == LiteralRequest(4, True, b'a1 LOGIN {4}\r\n')
    assert framer.buffered == 4
    framer.accept_literal()
    assert framer.next_event() == NeedData()
    framer.feed(b' ~{6+}\r\nsecret\r\n')
    second = framer.next_event()
    assert second == LiteralRequest(6, False, b'a1 LOGIN {4}\r\n')
    framer.accept_literal()
    assert framer.next_event() == \
        Framed(b'a1 LOGIN {4}\r\n ~{6+}\r\n', (b'fred', b'secret'))
    assert framer.next_event() == NeedData()
    assert framer.buffered == 0


@pytest.mark.parametrize(('line', 'size', 'sync'), [
    (b'a APPEND X {0}\r\n', 0, True),
    (b'a APPEND X {12}\r\n', 12, True),
    (b'a APPEND X {12+}\r\n', 12, False),
    (b'a APPEND X ~{7}\r\n', 7, True),
    (b'a APPEND X ~{7+}\r\n', 7, False),
    (b'a APPEND X {99999999999999999999}\r\n', 10 ** 20 - 1, True),
    (b'a APPEND X {5}\n', 5, True),
])
def test_literal_request_fields(line: bytes, size: int, sync: bool) -> None:
    framer = CommandFramer(100)
    framer.feed(line)
    head = line.removesuffix(b'\r\n').removesuffix(b'\n') + b'\r\n'
    assert framer.next_event() == LiteralRequest(size, sync, head)
    with pytest.raises(RuntimeError):
        framer.next_event()


def test_literal_request_is_not_made_for_partial_line() -> None:
    framer = CommandFramer(100)
    framer.feed(b'a1 LOGIN {4}')
    assert framer.next_event() == NeedData()
    framer.feed(b'\r')
    assert framer.next_event() == NeedData()
    framer.feed(b'\n')
    assert isinstance(framer.next_event(), LiteralRequest)


def test_bare_lf_literal_line_is_normalized() -> None:
    events = run([b'a1 LOGIN {4}\nfred x\n'])
    assert events[-1] == Framed(b'a1 LOGIN {4}\r\n x', (b'fred',))
    assert parse_command(b'a1 LOGIN {4}\r\n x', (b'fred',)) == \
        LoginCommand(b'a1', b'fred', b'x')


def test_answering_without_request_is_an_error() -> None:
    framer = CommandFramer(100)
    with pytest.raises(RuntimeError):
        framer.accept_literal()
    with pytest.raises(RuntimeError):
        framer.reject_literal()


@pytest.mark.parametrize('data', [b'a1 NOOP\r\n', b'a1 NOOP\n'])
def test_line_endings(data: bytes) -> None:
    assert run([data]) == [Framed(b'a1 NOOP')]
    assert run(bytewise(data)) == [Framed(b'a1 NOOP')]


def test_literal_bytes_are_not_lines() -> None:
    data = b'a1 APPEND X {13}\r\na2 LOGOUT\r\n\r\n\r\na3 NOOP\r\n'
    events = run([data])
    assert events[1:] == [Framed(b'a1 APPEND X {13}\r\n',
                                 (b'a2 LOGOUT\r\n\r\n',)),
                          Framed(b'a3 NOOP')]


def test_empty_lines() -> None:
    assert run([b'\r\n\n']) == [Framed(b''), Framed(b'')]
    result = parse_command(b'')
    assert not isinstance(result, Command)
    assert result.tag == b'*'


# Over-long lines.

def test_line_at_limit() -> None:
    assert run([b'a1 NOOP 12\r\n'], max_line=10) == [Framed(b'a1 NOOP 12')]
    assert run([b'a1 NOOP 123\r\n'], max_line=10) == \
        [LineTooLong(b'a1 NOOP 12')]


def test_line_limit_with_bare_lf() -> None:
    assert run([b'a1 NOOP 123\n'], max_line=10) == \
        [LineTooLong(b'a1 NOOP 12')]


@pytest.mark.parametrize('split', [False, True])
def test_line_too_long_then_next_command(split: bool) -> None:
    data = b'a1 LOGIN ' + b'x' * 500 + b' pw\r\na2 NOOP\r\n'
    chunks = bytewise(data) if split else [data]
    events = run(chunks, max_line=16)
    assert events == [LineTooLong(b'a1 LOGIN xxxxxxx'), Framed(b'a2 NOOP')]
    assert command_head(events[0].head) == (b'a1', b'LOGIN')


def test_line_too_long_keeps_nothing() -> None:
    framer = CommandFramer(16)
    framer.feed(b'a1 LOGIN ' + b'x' * 100)
    assert framer.next_event() == NeedData()
    assert framer.buffered == 0
    framer.feed(b'x' * 100_000)
    assert framer.next_event() == NeedData()
    assert framer.buffered == 0
    framer.feed(b'\r\na2 NOOP\r\n')
    assert framer.next_event() == LineTooLong(b'a1 LOGIN xxxxxxx')
    assert framer.next_event() == Framed(b'a2 NOOP')


@pytest.mark.parametrize('split', [False, True])
def test_line_too_long_after_literal(split: bool) -> None:
    data = b'a1 LOGIN {4}\r\nfred ' + b'y' * 100 + b'\r\na2 NOOP\r\n'
    chunks = bytewise(data) if split else [data]
    assert run(chunks, max_line=20) == [
        LiteralRequest(4, True, b'a1 LOGIN {4}\r\n'),
        LineTooLong(b'a1 LOGIN {4}\r\n'),
        Framed(b'a2 NOOP')]


@pytest.mark.parametrize('split', [False, True])
def test_line_too_long_skips_its_non_sync_literal(split: bool) -> None:
    data = (b'a1 APPEND INBOX ' + b'(' * 40 + b' {11+}\r\n'
            b'a9 LOGOUT\r\n {3+}\r\nx\r\n\r\na2 NOOP\r\n')
    chunks = bytewise(data) if split else [data]
    assert run(chunks, max_line=20) == [
        LineTooLong(b'a1 APPEND INBOX (((('), Discarded(),
        Framed(b'a2 NOOP')]


def test_line_too_long_with_sync_literal_waits_for_next_command() -> None:
    data = b'a1 APPEND INBOX ' + b'(' * 40 + b' {11}\r\na2 NOOP\r\n'
    assert run([data], max_line=20) == [
        LineTooLong(b'a1 APPEND INBOX (((('), Framed(b'a2 NOOP')]


# Rejected literals.

def test_rejected_sync_literal_is_discarded_at_once() -> None:
    framer = CommandFramer(100)
    framer.feed(b'a1 APPEND INBOX {99999}\r\n')
    assert isinstance(framer.next_event(), LiteralRequest)
    framer.reject_literal()
    assert framer.next_event() == Discarded()
    assert framer.next_event() == NeedData()
    framer.feed(b'a2 NOOP\r\n')
    assert framer.next_event() == Framed(b'a2 NOOP')


def test_rejected_sync_literal_in_later_line() -> None:
    data = b'a1 LOGIN {4}\r\nfred {999}\r\na2 NOOP\r\n'
    assert run([data], answers=[True, False]) == [
        LiteralRequest(4, True, b'a1 LOGIN {4}\r\n'),
        LiteralRequest(999, True, b'a1 LOGIN {4}\r\n'),
        Discarded(), Framed(b'a2 NOOP')]


REJECTED = (b'a1 APPEND INBOX {12+}\r\na9 LOGOUT\r\n{'
            b' (\\Seen) {5+}\r\nab\r\nc ~{3+}\r\n\r\n\n {0+}\r\n\r\n')


@pytest.mark.parametrize('split', [False, True])
def test_rejected_non_sync_literal_skips_whole_command(split: bool) -> None:
    data = REJECTED + b'a2 NOOP\r\n'
    chunks = bytewise(data) if split else [data]
    assert run(chunks, answers=[False]) == [
        LiteralRequest(12, False, b'a1 APPEND INBOX {12+}\r\n'),
        Discarded(), Framed(b'a2 NOOP')]


def test_rejected_non_sync_literal_discarded_at_exact_end() -> None:
    framer = CommandFramer(100)
    events: list[Event] = []
    answers = [False]
    for index, byte in enumerate(bytewise(REJECTED)):
        framer.feed(byte)
        before = len(events)
        drain(framer, answers, events)
        if index < len(REJECTED) - 1:
            assert Discarded() not in events[before:], index
    assert events[-1] == Discarded()
    assert framer.buffered == 0


@pytest.mark.parametrize('split', [False, True])
def test_rejected_non_sync_then_sync_literal(split: bool) -> None:
    data = b'a1 APPEND X {3+}\r\nabc {5}\r\na2 NOOP\r\n'
    chunks = bytewise(data) if split else [data]
    assert run(chunks, answers=[False]) == [
        LiteralRequest(3, False, b'a1 APPEND X {3+}\r\n'),
        Discarded(), Framed(b'a2 NOOP')]


@pytest.mark.parametrize('split', [False, True])
def test_rejected_second_literal(split: bool) -> None:
    data = b'a1 LOGIN {4}\r\nfred {6+}\r\nsecret\r\na2 NOOP\r\n'
    chunks = bytewise(data) if split else [data]
    assert run(chunks, answers=[True, False]) == [
        LiteralRequest(4, True, b'a1 LOGIN {4}\r\n'),
        LiteralRequest(6, False, b'a1 LOGIN {4}\r\n'),
        Discarded(), Framed(b'a2 NOOP')]


def test_rejected_non_sync_with_long_rest_line() -> None:
    data = (b'a1 APPEND X {3+}\r\nabc ' + b'z' * 100 + b' {2+}\r\nqq\r\n'
            b'a2 NOOP\r\n')
    for chunks in ([data], bytewise(data)):
        assert run(chunks, max_line=30, answers=[False]) == [
            LiteralRequest(3, False, b'a1 APPEND X {3+}\r\n'),
            Discarded(), Framed(b'a2 NOOP')]


def _discard_append(framer: CommandFramer, size: int) -> None:
    """Has *framer* discard an APPEND whose first literal, of *size*
    octets and non-synchronizing, is refused."""
    framer.feed(b'a1 APPEND X {%d+}\r\n' % size)
    assert isinstance(framer.next_event(), LiteralRequest)
    framer.reject_literal()


def test_skipped_adds_up_literals_of_discarded_command() -> None:
    framer = CommandFramer(100)
    assert framer.skipped == 0
    _discard_append(framer, 3)
    assert framer.skipped == 3
    framer.feed(b'abc {5+}\r\nhel')
    assert framer.next_event() == NeedData()
    assert framer.skipped == 8
    framer.feed(b'lo ~{7+}\r\n1234567 {0+}\r\n\r\n')
    assert framer.next_event() == Discarded()
    assert framer.skipped == 15
    assert framer.next_event() == NeedData()
    assert framer.skipped == 0
    framer.feed(b'a2 NOOP\r\n')
    assert framer.next_event() == Framed(b'a2 NOOP')
    assert framer.skipped == 0


@pytest.mark.parametrize('length', [40, 200],
                         ids=['whole-line', 'drained-line'])
def test_skipped_counts_literal_of_overlong_continuation(length: int
                                                         ) -> None:
    framer = CommandFramer(30)
    _discard_append(framer, 3)
    line = b'abc ' + b'z' * length + b' {%d+}\r\n' % 10 ** 12
    framer.feed(line)
    assert framer.next_event() == NeedData()
    assert framer.skipped == 3 + 10 ** 12
    framer.feed(b'a2 NOOP\r\n')  # still the literal's octets
    assert framer.next_event() == NeedData()


def test_skipped_counts_literal_of_overlong_first_line() -> None:
    framer = CommandFramer(20)
    framer.feed(b'a1 APPEND X ' + b'(' * 40 + b' {11+}\r\n')
    assert isinstance(framer.next_event(), LineTooLong)
    assert framer.skipped == 11
    framer.feed(b'0123456789\n {4+}\r\n')
    assert framer.next_event() == NeedData()
    assert framer.skipped == 15


@pytest.mark.parametrize('data', [
    b'a1 APPEND X {3}\r\n',
    b'a1 APPEND X ' + b'(' * 40 + b' {11}\r\n',
    b'a1 APPEND X ' + b'(' * 40 + b'\r\n',
])
def test_nothing_skipped_without_non_sync_literal(data: bytes) -> None:
    framer = CommandFramer(20)
    framer.feed(data)
    event = framer.next_event()
    if isinstance(event, LiteralRequest):
        framer.reject_literal()
        assert framer.next_event() == Discarded()
    assert framer.skipped == 0


# read_line and clear.

def test_read_line() -> None:
    framer = CommandFramer(100)
    assert framer.read_line() is None
    framer.feed(b'dGVzdA==\r\nDO')
    assert framer.read_line() == b'dGVzdA=='
    assert framer.read_line() is None
    framer.feed(b'NE\n{5}\r\n*\r\na2 NOOP\r\n')
    assert framer.read_line() == b'DONE'
    assert framer.read_line() == b'{5}'
    assert framer.read_line() == b'*'
    assert framer.next_event() == Framed(b'a2 NOOP')


def test_read_line_too_long() -> None:
    framer = CommandFramer(8)
    framer.feed(b'0123456789abcdef')
    assert framer.read_line() is None
    framer.feed(b'\r\nshort\r\n')
    assert framer.read_line() == LineTooLong(b'01234567')
    assert framer.read_line() == b'short'


@pytest.mark.parametrize('size', [b'5', b'9' * 30])
@pytest.mark.parametrize('length', [10, 100],
                         ids=['whole-line', 'drained-line'])
def test_read_line_too_long_announces_no_literal(size: bytes,
                                                 length: int) -> None:
    """A raw line has no literal syntax (RFC 3501 §6.2.2, RFC 2177): after
    an over-long one, whatever it ends in, the next bytes are the next
    line, then the next command."""
    framer = CommandFramer(8)
    framer.feed(b'x' * length + b' {%s+}\r\n' % size)
    assert isinstance(framer.read_line(), LineTooLong)
    assert framer.skipped == 0
    framer.feed(b'DONE\r\na2 NOOP\r\n')
    assert framer.read_line() == b'DONE'
    assert framer.next_event() == Framed(b'a2 NOOP')


def test_take_line_too_long_announces_no_literal() -> None:
    framer = CommandFramer(8)
    framer.feed(b'x' * 20 + b' {5+}\r\na2 NOOP\r\n')
    assert isinstance(framer.take_line(), LineTooLong)
    assert framer.next_event() == Framed(b'a2 NOOP')


def test_clear_after_starttls() -> None:
    framer = CommandFramer(100)
    framer.feed(b'a1 STARTTLS\r\na2 LOGIN injected x\r\na3 NO')
    assert framer.next_event() == Framed(b'a1 STARTTLS')
    assert framer.buffered > 0
    framer.clear()
    assert framer.buffered == 0
    assert framer.next_event() == NeedData()
    framer.feed(b'a4 NOOP\r\n')
    event = framer.next_event()
    assert event == Framed(b'a4 NOOP')
    assert parse_command(event.data) == NoOpCommand(b'a4')


def test_large_literal_held_once() -> None:
    """A message's octets are gathered into the bytes the command carries,
    without a second copy for the command or for the parsed message."""
    message = b'x' * 76 + b'\r\n'
    message *= 50_000
    wire = b'a1 APPEND INBOX {%d+}\r\n' % len(message) + message + b'\r\n'
    chunks = [wire[start:start + 65536]
              for start in range(0, len(wire), 65536)]
    del wire
    tracemalloc.start()
    try:
        events = run(chunks)
        framed = events[-1]
        assert isinstance(framed, Framed)
        command = parse_command(framed.data, framed.literals)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(command, AppendCommand)
    assert command.messages[0].data is framed.literals[0]
    assert command.messages[0].data == message
    assert peak < 1.3 * len(message)


def test_take_serves_bytes_before_the_first_command() -> None:
    framer = CommandFramer(100)
    framer.feed(b'PROXY TCP4 1.2.3.4 ')
    assert framer.take_line() is None
    assert framer.take(40) is None
    framer.feed(b'5.6.7.8 1 2\r\n\r\n\x0d\nA1 NOOP\r\n')
    assert framer.take_line() == b'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n'
    assert framer.take(3) == b'\r\n\r'
    assert framer.take(1) == b'\n'
    event = framer.next_event()
    assert isinstance(event, Framed) and event.data == b'A1 NOOP'


def test_take_line_refuses_a_line_too_long() -> None:
    framer = CommandFramer(10)
    framer.feed(b'x' * 20 + b'\r\n')
    assert isinstance(framer.take_line(), LineTooLong)

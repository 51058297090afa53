"""The process's own Redis connections (wire.py, dialer.py): pipelined
commands matched to their replies in order, error replies, cancelled
callers, a silent or garbled peer, login and database selection, and TLS,
against real ``redis-server`` processes (a scripted socket plays the
misbehaving peer)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from pathlib import Path

import pytest
import trustme
from redis.asyncio import Connection
from redis.exceptions import (
    AuthenticationError,
    BusyLoadingError,
    ConnectionError,
    DataError,
    NoScriptError,
    OutOfMemoryError,
    ResponseError,
    TimeoutError,
)

from pymap.backend.redis.connection import ConnectionSettings, connect
from pymap.backend.redis.dialer import Dialer, SharedConnection
from pymap.backend.redis.errors import translated
from pymap.backend.redis.resp import (
    SEPARATE_BYTES,
    error_reply,
    pack,
    pack_apart,
)
from pymap.backend.redis.wire import Wire
from pymap.exceptions import TemporaryFailure

from ...backends import require_tool
from ...redis_server import RedisServer, free_port, redis_command


def shared(url: str, timeout: float = 5.0) -> SharedConnection:
    return SharedConnection(Dialer(url, timeout, timeout))


def test_pack_encodes_like_redis_py() -> None:
    assert pack(('SET', b'k\r\n', 'ü', 7, 1.5)) == (
        b'*5\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$2\r\n\xc3\xbc\r\n'
        b'$1\r\n7\r\n$3\r\n1.5\r\n')
    content = b'x' * 100_000
    assert pack(('SET', 'k', content)) == \
        b'*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n' + content + b'\r\n'
    with pytest.raises(DataError):
        pack(('SET', 'k', None))
    with pytest.raises(DataError):
        pack(('SET', 'k', True))


@pytest.mark.parametrize('value', [2 ** 70, -3, 1e20, 0.1, 'ü', b'\xff',
                                   memoryview(b'ab')])
def test_pack_matches_redis_py_packer(value: object) -> None:
    packed_by_redis_py = b''.join(Connection().pack_command('SET', 'k', value))
    assert pack(('SET', 'k', value)) == packed_by_redis_py


def test_error_replies_keep_their_message() -> None:
    assert isinstance(error_reply('NOSCRIPT No matching script'),
                      NoScriptError)
    assert isinstance(error_reply('LOADING Redis is loading'),
                      BusyLoadingError)
    oom = error_reply('OOM command not allowed')
    assert isinstance(oom, OutOfMemoryError)
    assert str(oom) == 'OOM command not allowed'
    plain = error_reply('ERR unknown command')
    assert type(plain) is ResponseError and str(plain).startswith('ERR ')


def test_out_of_memory_is_temporary() -> None:
    for error in (error_reply('OOM command not allowed'),
                  OutOfMemoryError('command not allowed')):
        with pytest.raises(TemporaryFailure), translated():
            raise error


@pytest.mark.parametrize('args', [
    ('SET', 'k', b'x' * SEPARATE_BYTES, 'EX', 60),
    (b'y' * SEPARATE_BYTES,),
    ('MSET', 'a', b'x' * SEPARATE_BYTES, 'b', b'z' * SEPARATE_BYTES),
    ('SET', 'k', b'x' * (SEPARATE_BYTES - 1)),
])
def test_long_arguments_packed_apart_are_the_same_bytes(
        args: tuple[object, ...]) -> None:
    pieces = pack_apart(args)
    assert b''.join(pieces) == pack(args)
    long = [arg for arg in args if isinstance(arg, bytes)
            and len(arg) >= SEPARATE_BYTES]
    assert [piece for piece in pieces if any(
        piece is arg for arg in long)] == long


Written = bytes | bytearray | memoryview


class _RecordingTransport(asyncio.Transport):
    """Keeps each ``writelines`` call's pieces as given, and answers
    none."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[list[Written]] = []

    def writelines(self, list_of_data: Iterable[Written]) -> None:
        self.writes.append(list(list_of_data))

    def abort(self) -> None:
        pass


async def test_first_write_of_a_turn_leaves_at_once() -> None:
    """The first command of a turn of the loop is written before the turn
    ends, with the commands given along with it; the others issued in the
    same turn follow together in one write."""
    wire = Wire(10.0)
    transport = _RecordingTransport()
    wire.connection_made(transport)
    staged, script = pack(('SET', 'k', 'v')), pack(('EVALSHA', 'f', 0))
    together = asyncio.ensure_future(wire.call_all(
        [('SET', 'k', 'v'), ('EVALSHA', 'f', 0)]))
    await asyncio.sleep(0)  # the task runs and writes
    assert transport.writes == [[staged, script]]
    get_a, get_b = pack(('GET', 'a')), pack(('GET', 'b'))
    first, second = wire.send(get_a), wire.send(get_b)
    assert transport.writes == [[staged, script]]
    await asyncio.sleep(0)
    assert transport.writes == [[staged, script], [get_a, get_b]]
    third = wire.send(pack(('GET', 'c')))
    assert transport.writes[-1] == [pack(('GET', 'c'))]
    wire.close()
    for future in (first, second, third):
        with pytest.raises(ConnectionError):
            await future
    with pytest.raises(ConnectionError):
        await together


async def test_a_long_argument_is_written_as_it_is() -> None:
    """A message's octets go to the transport as the caller's bytes, not
    copied into the packed command."""
    wire = Wire(10.0)
    transport = _RecordingTransport()
    wire.connection_made(transport)
    content = b'x' * SEPARATE_BYTES
    commands = [('GET', 'a'), ('SET', 'k', content, 'EX', 60)]
    pending = asyncio.ensure_future(wire.call_all(commands))
    await asyncio.sleep(0)
    written, = transport.writes
    assert any(piece is content for piece in written)
    assert b''.join(written) == b''.join(map(pack, commands))
    wire.close()
    with pytest.raises(ConnectionError):
        await pending


async def test_long_arguments_reach_redis_whole(
        redis_server: RedisServer) -> None:
    connection = shared(redis_server.url)
    key = uuid.uuid4().hex
    content = bytes(range(256)) * (SEPARATE_BYTES // 128)
    try:
        assert await connection.call_all([
            ('SET', key, content), ('APPEND', key, content),
            ('STRLEN', key)]) == [b'OK', 2 * len(content), 2 * len(content)]
        assert await connection.call('GET', key) == content * 2
    finally:
        connection.close()


async def test_replies_match_their_commands(
        redis_server: RedisServer) -> None:
    connection = shared(redis_server.url)
    key = uuid.uuid4().hex
    try:
        replies = await asyncio.gather(
            *(connection.call('INCRBY', key, n) for n in range(1, 201)))
        assert replies == [n * (n + 1) // 2 for n in range(1, 201)]
        mixed = await asyncio.gather(
            connection.call('HGET', key, 'field'),
            connection.call('GET', key), return_exceptions=True)
        assert isinstance(mixed[0], ResponseError)
        assert mixed[1] == b'20100'
    finally:
        connection.close()


async def test_cancelled_caller_keeps_the_order(
        redis_server: RedisServer) -> None:
    connection = shared(redis_server.url)
    key = uuid.uuid4().hex
    try:
        await connection.call('SET', key, 'value')
        # BLPOP holds the connection's later replies back until it ends.
        first = asyncio.ensure_future(
            connection.call('BLPOP', uuid.uuid4().hex, 0.2))
        batch = asyncio.ensure_future(connection.call_all([
            ('BLPOP', uuid.uuid4().hex, 0.1), ('GET', key)]))
        second = asyncio.ensure_future(connection.call('GET', key))
        await asyncio.sleep(0.02)
        first.cancel()
        batch.cancel()
        assert not second.done()
        assert await second == b'value'
        assert batch.cancelled()
        assert await connection.call('EXISTS', key) == 1
    finally:
        connection.close()


async def test_commands_sent_together(redis_server: RedisServer) -> None:
    """call_all: replies in order; an error reply is raised once every
    reply is in, and the commands after it still ran."""
    connection = shared(redis_server.url)
    key = uuid.uuid4().hex
    try:
        assert await connection.call_all([
            ('SET', key, 'a'), ('APPEND', key, 'b'), ('GET', key)]) \
            == [b'OK', 2, b'ab']
        with pytest.raises(ResponseError):
            await connection.call_all([('HGET', key, 'f'),
                                       ('SET', key, 'c')])
        assert await connection.call('GET', key) == b'c'
    finally:
        connection.close()


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter],
                  Awaitable[None]]


@contextlib.asynccontextmanager
async def scripted_peer(handler: Handler) -> AsyncIterator[int]:
    """A server on a free port that answers as *handler* does; every
    connection is closed when it stops."""
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await handler(reader, writer)
    server = await asyncio.start_server(serve, '127.0.0.1', 0)
    async with server:
        yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def test_silent_peer_times_out() -> None:
    received: list[bytes] = []

    async def swallow(reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            received.append(data)
    async with scripted_peer(swallow) as port:
        connection = shared(f'redis://127.0.0.1:{port}/0', timeout=0.2)
        with pytest.raises(TimeoutError):
            await connection.call('PING')
        connection.close()
    assert received == [pack(('PING',))]


async def test_garbled_reply_fails_the_connection() -> None:
    async def garble(reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(b'!not resp\r\n')
    async with scripted_peer(garble) as port:
        connection = shared(f'redis://127.0.0.1:{port}/0')
        with pytest.raises(ConnectionError, match='unreadable reply'):
            await connection.call('PING')
        connection.close()


async def test_unreachable_redis_is_a_connection_error() -> None:
    connection = shared(f'redis://127.0.0.1:{free_port()}/0')
    with pytest.raises(ConnectionError, match='cannot use Redis'):
        await connection.call('PING')


@pytest.fixture(scope='module')
def locked_redis(tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[RedisServer]:
    """A Redis whose default user needs the password ``secret``, with a
    second user ``alice`` (password ``pw``)."""
    binary = require_tool('redis-server', 'the login tests need a real '
                          'Redis')
    with RedisServer(binary, tmp_path_factory.mktemp('locked')) as server:
        redis_command(server.port, 'ACL', 'SETUSER', 'alice', 'on', '>pw',
                      '~*', '&*', '+@all')
        redis_command(server.port, 'CONFIG', 'SET', 'requirepass', 'secret')
        yield server


async def test_logs_in_and_selects(locked_redis: RedisServer) -> None:
    where = f'127.0.0.1:{locked_redis.port}'
    alice = shared(f'redis://alice:pw@{where}/2')
    default = shared(f'redis://:secret@{where}/2')
    other_db = shared(f'redis://:secret@{where}/0')
    key = uuid.uuid4().hex
    try:
        await alice.call('SET', key, 'in two')
        assert await default.call('GET', key) == b'in two'
        assert await other_db.call('GET', key) is None
    finally:
        for connection in (alice, default, other_db):
            connection.close()


async def test_wrong_password_is_refused(locked_redis: RedisServer) -> None:
    connection = shared(f'redis://alice:nope@127.0.0.1:'
                        f'{locked_redis.port}/0')
    with pytest.raises(ConnectionError) as info:
        await connection.call('PING')
    assert isinstance(info.value.__cause__, AuthenticationError)


@pytest.fixture(scope='module')
def tls_redis(tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[tuple[RedisServer, int, Path]]:
    """A Redis with a TLS port, its certificate from a test CA; yields
    the server, the TLS port and the CA file."""
    binary = require_tool('redis-server', 'the TLS test needs a real Redis')
    directory = tmp_path_factory.mktemp('tls')
    ca = trustme.CA()
    cert = ca.issue_cert('127.0.0.1')
    ca.cert_pem.write_to_path(str(directory / 'ca.pem'))
    cert.private_key_and_cert_chain_pem.write_to_path(
        str(directory / 'server.pem'))
    tls_port = free_port()
    options = ['--tls-port', str(tls_port),
               '--tls-cert-file', str(directory / 'server.pem'),
               '--tls-key-file', str(directory / 'server.pem'),
               '--tls-ca-cert-file', str(directory / 'ca.pem'),
               '--tls-auth-clients', 'no']
    with RedisServer(binary, directory / 'data', options) as server:
        yield server, tls_port, directory / 'ca.pem'


async def test_tls_url(tls_redis: tuple[RedisServer, int, Path]) -> None:
    _, port, ca = tls_redis
    client = connect(ConnectionSettings.from_url(
        f'rediss://127.0.0.1:{port}/0?ssl_ca_certs={ca}'))
    key = uuid.uuid4().hex
    try:
        assert await client.set(key, 'over tls')
        assert await client.get(key) == b'over tls'
    finally:
        await client.aclose()


async def test_tls_needs_a_trusted_certificate(
        tls_redis: tuple[RedisServer, int, Path]) -> None:
    _, port, _ = tls_redis
    connection = shared(f'rediss://127.0.0.1:{port}/0')
    with pytest.raises(ConnectionError, match='CERTIFICATE_VERIFY_FAILED'):
        await connection.call('PING')


def test_unknown_certificate_requirement() -> None:
    with pytest.raises(ValueError, match='ssl_cert_reqs'):
        Dialer('rediss://127.0.0.1:1/0?ssl_cert_reqs=sometimes', 1, 1)

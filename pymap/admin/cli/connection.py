"""How ``pymap-admin`` reaches the server: the UNIX socket (``--socket``,
else the stable link ``$TMPDIR/pymap/admin.sock`` to the newest server's),
or TCP with TLS and a bearer token (``--host``/``--port``)."""

from __future__ import annotations

import contextlib
import os
import ssl
from argparse import ArgumentParser, Namespace
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import TypeVar

from grpclib.client import Channel, UnaryUnaryMethod
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.health.v1.health_grpc import HealthStub

from ..admin_grpc import AdminStub
from ..metadata import ERROR_KEY, TOKEN_KEY
from ..sockets import default_link
from .exits import CommandError, exit_status

__all__ = ['Client', 'add_arguments', 'connect', 'read_file']

_Request = TypeVar('_Request')
_Response = TypeVar('_Response')


def add_arguments(parser: ArgumentParser) -> None:
    """The options that say where the server is."""
    group = parser.add_argument_group('server')
    group.add_argument('--socket', metavar='PATH', type=Path,
                       help='the server\'s admin socket (default: '
                            '$TMPDIR/pymap/admin.sock)')
    group.add_argument('--host', help='connect over TCP with TLS to this '
                                      'host (default with --port: '
                                      'localhost)')
    group.add_argument('--port', type=int, help='the TCP port')
    group.add_argument('--cafile', metavar='FILE',
                       help='CA certificates to verify the TCP server '
                            '(default: the system\'s)')
    group.add_argument('--token-file', metavar='FILE',
                       help='file holding the bearer token for TCP')
    group.add_argument('--timeout', type=float, default=60.0,
                       metavar='SECONDS',
                       help='give up after this long (default: '
                            '%(default)s)')


def read_file(path: str) -> bytes:
    """The contents of an input file, or a one-line EX_NOINPUT error."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(os.EX_NOINPUT,
                           f'cannot read {path}: {exc.strerror}') from None


class Client:
    """The stubs over one channel, and calls that fail as
    :exc:`CommandError`."""

    def __init__(self, channel: Channel, where: str, timeout: float,
                 metadata: Mapping[str, str]) -> None:
        self.admin = AdminStub(channel)
        self.health = HealthStub(channel)
        self._where = where
        self._timeout = timeout
        self._metadata = metadata

    async def call(self, method: UnaryUnaryMethod[_Request, _Response],
                   request: _Request) -> _Response:
        """Sends *request* and returns the response. A refusal becomes
        its exit status (by the ``pymap-error`` trailer); an unreachable
        or silent server is EX_TEMPFAIL."""
        try:
            return await self._call(method, request)
        except TimeoutError:
            raise CommandError(
                os.EX_TEMPFAIL, f'no answer from the pymap server at '
                                f'{self._where} in {self._timeout} s'
            ) from None
        except (OSError, StreamTerminatedError) as exc:
            reason = getattr(exc, 'strerror', None) or str(exc) or \
                type(exc).__name__
            raise CommandError(
                os.EX_TEMPFAIL, f'cannot reach the pymap server at '
                                f'{self._where}: {reason}') from None

    async def _call(self, method: UnaryUnaryMethod[_Request, _Response],
                    request: _Request) -> _Response:
        async with method.open(timeout=self._timeout,
                               metadata=self._metadata) as stream:
            try:
                await stream.send_message(request, end=True)
                response = await stream.recv_message()
            except GRPCError as exc:
                trailers = stream.trailing_metadata
                name = trailers.get(ERROR_KEY) if trailers else None
                status = exit_status(name if isinstance(name, str) else None,
                                     exc.status)
                raise CommandError(status, exc.message or exc.status.name
                                   ) from None
        if response is None:
            raise CommandError(os.EX_PROTOCOL, 'the server sent no answer')
        return response


def _tls_context(cafile: str | None) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=cafile)
    except OSError as exc:
        raise CommandError(os.EX_NOINPUT,
                           f'cannot read {cafile}: {exc.strerror}') from None
    context.set_alpn_protocols(['h2'])
    return context


def _channel(args: Namespace) -> tuple[Channel, str, dict[str, str]]:
    """The channel, a description of the server for messages, and the
    request metadata (the bearer token, over TCP only)."""
    if args.host is None and args.port is None:
        path = args.socket or default_link()
        return Channel(path=str(path)), str(path), {}
    if args.port is None:
        raise CommandError(os.EX_USAGE, '--host needs --port')
    host, port = args.host or 'localhost', args.port
    metadata = {}
    if args.token_file:
        token = read_file(args.token_file).decode('utf-8', 'replace')
        metadata[TOKEN_KEY] = f'Bearer {token.strip()}'
    channel = Channel(host, port, ssl=_tls_context(args.cafile))
    return channel, f'{host} port {port}', metadata


@contextlib.asynccontextmanager
async def connect(args: Namespace) -> AsyncIterator[Client]:
    """A client for the server the options point at; the connection is
    made on the first call."""
    channel, where, metadata = _channel(args)
    try:
        yield Client(channel, where, args.timeout, metadata)
    finally:
        channel.close()

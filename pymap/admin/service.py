"""The admin service itself: its gRPC servers on the UNIX socket and, when
asked for, on TCP (:mod:`pymap.admin.tcp`), with the health service. Kept
apart from the package so that ``pymap-admin`` does not import it."""

from __future__ import annotations

import logging
import ssl
from argparse import ArgumentParser, Namespace
from pathlib import Path

from grpclib.health.check import ServiceCheck
from grpclib.health.service import Health
from grpclib.server import Server

from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend

from .handlers import AdminHandlers
from .sockets import SocketFiles
from .tcp import read_token, require_token, tls_context

__all__ = ['AdminService', 'services']

_log = logging.getLogger(__name__)


class AdminService:
    """A running admin service: its servers and socket files."""

    def __init__(self, servers: list[Server],
                 files: SocketFiles | None) -> None:
        self._servers = servers
        self._files = files

    @classmethod
    def add_arguments(cls, parser: ArgumentParser) -> None:
        group = parser.add_argument_group(
            'admin service', 'gRPC service used by pymap-admin')
        group.add_argument('--no-admin', action='store_true',
                           help='do not start the admin service')
        group.add_argument('--admin-socket', metavar='PATH',
                           help='UNIX socket path (default: '
                                '$TMPDIR/pymap/admin-<pid>.sock, linked '
                                'from $TMPDIR/pymap/admin.sock)')
        group.add_argument('--admin-host', metavar='HOST',
                           help='also listen on TCP at this address '
                                '(default with --admin-port: localhost)')
        group.add_argument('--admin-port', type=int, metavar='PORT',
                           help='TCP port; needs --admin-cert, --admin-key '
                                'and --admin-token-file')
        group.add_argument('--admin-cert', metavar='FILE',
                           help='PEM certificate chain for the TCP listener')
        group.add_argument('--admin-key', metavar='FILE',
                           help='PEM private key for --admin-cert')
        group.add_argument('--admin-token-file', metavar='FILE',
                           help='file holding the bearer token that TCP '
                                'clients must send')

    @classmethod
    async def start(cls, backend: Backend, config: IMAPConfig,
                    args: Namespace) -> AdminService:
        """Starts listening, or does nothing with ``--no-admin``. Bad
        options or an unusable socket path end the server with a one-line
        message."""
        if args.no_admin:
            return cls([], None)
        try:
            return await cls._start(backend, config, args)
        except (OSError, ValueError) as exc:
            raise SystemExit(f'pymap: admin service: {exc}') from None

    @classmethod
    async def _start(cls, backend: Backend, config: IMAPConfig,
                     args: Namespace) -> AdminService:
        tcp = _tcp_settings(args)
        handlers = services(backend, config, args.backend)
        files = SocketFiles(Path(args.admin_socket)
                            if args.admin_socket else None)
        local = Server(handlers)
        await local.start(sock=files.bind())
        _log.info('admin service on %s', files.path)
        service = cls([local], files)
        if tcp is not None:
            try:
                service._servers.append(
                    await _start_tcp(Server(handlers), *tcp))
            except OSError:
                await service.close()
                raise
        return service

    async def close(self) -> None:
        """Stops listening and removes the socket and its link."""
        for server in self._servers:
            server.close()
            await server.wait_closed()
        if self._files is not None:
            self._files.remove()


def services(backend: Backend, config: IMAPConfig,
             backend_name: str) -> list[AdminHandlers | Health]:
    """What the admin servers serve: ``pymap.admin.Admin``, and the
    standard ``grpc.health.v1.Health`` reporting the backend's health."""
    admin = AdminHandlers(backend, config, backend_name)
    check = ServiceCheck(_BackendCheck(backend), check_ttl=5)
    return [admin, Health({admin: [check]})]


class _BackendCheck:
    """The health check: the backend's own (cheap) health report."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    async def __call__(self) -> bool:
        status = await self._backend.health()
        if not status.ok:
            _log.warning('backend unhealthy: %s', status.detail)
        return status.ok

    def __repr__(self) -> str:
        return 'backend check'


_TcpSettings = tuple[str, int, ssl.SSLContext, str]


def _tcp_settings(args: Namespace) -> _TcpSettings | None:
    """Host, port, TLS context and token of the TCP listener, if asked
    for; it needs all of them."""
    if args.admin_port is None:
        if args.admin_host is not None:
            raise ValueError('--admin-host needs --admin-port')
        return None
    if not (args.admin_cert and args.admin_key and args.admin_token_file):
        raise ValueError('--admin-port needs --admin-cert, --admin-key and '
                         '--admin-token-file')
    return (args.admin_host or 'localhost', args.admin_port,
            tls_context(args.admin_cert, args.admin_key),
            read_token(args.admin_token_file))


async def _start_tcp(server: Server, host: str, port: int,
                     context: ssl.SSLContext, token: str) -> Server:
    require_token(server, token)
    await server.start(host, port, ssl=context)
    _log.info('admin service on %s port %d (TLS)', host, port)
    return server

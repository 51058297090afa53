"""The ``pymap`` command: ``pymap [options] BACKEND [backend options]``.

Start-up order: bind the listening sockets, drop privileges, start the
backend, serve, start the services, tell systemd. SIGTERM and SIGINT stop
accepting, say BYE to every client and let commands in progress finish;
SIGHUP reloads the TLS certificate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Sequence

from . import __version__, build
from .config import IMAPConfig
from .daemon import PidFile, drop_privileges, notify_systemd, tune_gc
from .eventloop import loop_name, run_forever_on
from .imap.listen import bind_sockets, start_listening
from .imap.server import IMAPServer
from .interfaces.backend import BackendType, Service
from .logs import setup_logging
from .options import add_server_options, config_from_args
from .plugin import load_backends, load_services
from .workers import run_workers

__all__ = ['build_parser', 'main']

_log = logging.getLogger(__name__)


def _first_line(obj: object) -> str:
    doc = (obj.__doc__ or '').strip()
    return doc.splitlines()[0] if doc else ''


def build_parser(backends: dict[str, BackendType]
                 ) -> argparse.ArgumentParser:
    """The command line: server options, then one sub-command per
    backend with the backend's own options."""
    parser = argparse.ArgumentParser(
        prog='pymap', description='Lightweight, asynchronous IMAP server.')
    parser.add_argument('--version', action='version',
                        version=f'pymap {__version__} ({build()})')
    add_server_options(parser)
    for service in load_services().values():
        service.add_arguments(parser)
    subparsers = parser.add_subparsers(dest='backend', metavar='BACKEND',
                                       required=True)
    for name, backend in sorted(backends.items()):
        sub = subparsers.add_parser(name, help=_first_line(backend),
                                    description=_first_line(backend))
        backend.add_arguments(sub)
    return parser


Bound = list[tuple[socket.socket, bool]]


def _bind(args: argparse.Namespace) -> Bound:
    """The bound sockets, not yet listening, each with whether it speaks
    implicit TLS."""
    reuse = args.workers > 1
    plain = bind_sockets(args.host, args.port, reuse, listen=False)
    tls = bind_sockets(args.host, args.tls_port, reuse, listen=False) \
        if args.tls else []
    return [(sock, False) for sock in plain] + [(sock, True) for sock in tls]


def _own_sockets(per_worker: list[Bound], index: int) -> Bound:
    """A worker keeps its own sockets (SO_REUSEPORT lets the kernel spread
    connections among them) and closes the other workers'."""
    for other, bound in enumerate(per_worker):
        if other != index:
            for sock, _ in bound:
                sock.close()
    return per_worker[index]


class _Signals:
    """SIGTERM/SIGINT end the server; SIGHUP reloads the certificate."""

    def __init__(self, args: argparse.Namespace, config: IMAPConfig) -> None:
        self.stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop.set)
        loop.add_signal_handler(signal.SIGHUP, self._reload, args, config)

    @staticmethod
    def _reload(args: argparse.Namespace, config: IMAPConfig) -> None:
        if config.ssl_context is None:
            return
        try:
            config.ssl_context.load_cert_chain(args.cert, args.key)
            _log.info('certificate reloaded from %s', args.cert)
        except (OSError, ValueError) as exc:
            _log.error('certificate not reloaded: %s', exc)


async def _serve(backend_type: BackendType, args: argparse.Namespace,
                 config: IMAPConfig,
                 bound: Bound) -> None:
    signals = _Signals(args, config)
    backend = await backend_type.init(args, config)
    server = IMAPServer(backend, config)
    listeners = []
    for sock, tls in bound:
        listeners += await server.start([sock], tls=tls)
        _log.info('listening on %s%s', sock.getsockname(),
                  ' (TLS)' if tls else '')
    _log.info('event loop: %s; pymap %s', loop_name(), build())
    services: list[Service] = [
        await service.start(backend, config, args)
        for service in load_services().values()]
    notify_systemd('READY=1')
    await signals.stop.wait()
    notify_systemd('STOPPING=1')
    for listener in listeners:
        listener.close()
    for service in services:
        await service.close()
    await server.close_connections()
    await backend.close()


def _run(backend_type: BackendType, args: argparse.Namespace,
         config: IMAPConfig, bound: Bound) -> None:
    tune_gc()
    run_forever = run_forever_on(args.event_loop)
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(_serve(backend_type, args, config, bound))


def _start(parser: argparse.ArgumentParser, args: argparse.Namespace,
           backend_type: BackendType, config: IMAPConfig) -> int:
    if args.workers > 1 and not getattr(backend_type, 'shared_store', False):
        parser.error(f'the {args.backend} backend keeps its mail in one '
                     'process; --workers needs a backend whose store can '
                     'be shared, such as maildir or redis')
    pid_file = PidFile(args.pid_file) if args.pid_file else None
    try:
        per_worker = [_bind(args) for _ in range(args.workers)]
        # Written once the ports are ours, and before they accept
        # connections: whoever can connect finds it.
        if pid_file is not None:
            pid_file.write()
        start_listening(sock for bound in per_worker for sock, _ in bound)
        drop_privileges(args.user, args.group)
    except (OSError, KeyError) as exc:
        if pid_file is not None:
            pid_file.remove()
        parser.exit(1, f'pymap: {exc}\n')
    try:
        if args.workers > 1:
            return run_workers(args.workers, lambda index: _run(
                backend_type, args, config,
                _own_sockets(per_worker, index)))
        _run(backend_type, args, config, per_worker[0])
        return 0
    finally:
        if pid_file is not None:
            pid_file.remove()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pymap`` console script."""
    backends = load_backends()
    parser = build_parser(backends)
    args = parser.parse_args(argv)
    try:
        config = config_from_args(args)
        run_forever_on(args.event_loop)
    except ValueError as exc:
        parser.error(str(exc))
    setup_logging(args.debug, args.log_format)
    sys.exit(_start(parser, args, backends[args.backend], config))

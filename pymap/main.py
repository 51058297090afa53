"""The ``pymap`` command: ``pymap [options] BACKEND [backend options]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from . import __version__
from .config import IMAPConfig
from .imap.server import IMAPServer
from .interfaces.backend import BackendType, Service
from .plugin import load_backends, load_services

__all__ = ['build_parser', 'main']


def _first_line(obj: object) -> str:
    return (obj.__doc__ or '').strip().splitlines()[0] if obj.__doc__ \
        else ''


def build_parser(backends: dict[str, BackendType]
                 ) -> argparse.ArgumentParser:
    """The command line: server options, then one sub-command per
    backend with the backend's own options."""
    parser = argparse.ArgumentParser(
        prog='pymap', description='Lightweight, asynchronous IMAP server.')
    parser.add_argument('--version', action='version',
                        version=f'pymap {__version__}')
    parser.add_argument('--host', default='localhost',
                        help='address to listen on (default: %(default)s)')
    parser.add_argument('--port', type=int, default=143,
                        help='port to listen on (default: %(default)s)')
    parser.add_argument('--debug', action='store_true',
                        help='log the protocol exchange (secrets hidden)')
    parser.add_argument('--cert', metavar='FILE',
                        help='PEM certificate chain, enables STARTTLS')
    parser.add_argument('--key', metavar='FILE',
                        help='PEM private key for --cert')
    for service in load_services().values():
        service.add_arguments(parser)
    subparsers = parser.add_subparsers(dest='backend', metavar='BACKEND',
                                       required=True)
    for name, backend in sorted(backends.items()):
        sub = subparsers.add_parser(name, help=_first_line(backend),
                                    description=_first_line(backend))
        backend.add_arguments(sub)
    return parser


def _config(parser: argparse.ArgumentParser,
            args: argparse.Namespace) -> IMAPConfig:
    if bool(args.cert) != bool(args.key):
        parser.error('--cert and --key go together')
    context = None
    if args.cert:
        try:
            context = IMAPConfig.server_ssl_context(args.cert, args.key)
        except OSError as exc:
            parser.error(f'cannot load certificate: {exc}')
    return IMAPConfig(ssl_context=context, debug=args.debug)


async def _serve(backend_type: BackendType, args: argparse.Namespace,
                 config: IMAPConfig) -> None:
    backend = await backend_type.init(args, config)
    server = IMAPServer(backend, config)
    listener = await server.start(args.host, args.port)
    services: list[Service] = [
        await service.start(backend, args)
        for service in load_services().values()]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    for sock in listener.sockets:
        logging.getLogger(__name__).info('listening on %s',
                                         sock.getsockname())
    async with listener:
        await stop.wait()
    for service in services:
        await service.close()
    await server.close_connections()
    await backend.close()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``pymap`` console script."""
    backends = load_backends()
    parser = build_parser(backends)
    args = parser.parse_args(argv)
    config = _config(parser, args)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.INFO,
        format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(backends[args.backend], args, config))
    sys.exit(0)

"""The server's command-line options, and the :class:`IMAPConfig` they
make. Every limit and timeout of the config has an option; certificate
paths may also come from the environment."""

from __future__ import annotations

import os
from argparse import ArgumentParser, Namespace

from .config import IMAPConfig
from .eventloop import CHOICES

__all__ = ['add_server_options', 'config_from_args']

_DEFAULTS = IMAPConfig()
IMPLICIT_TLS_PORT = 993


def _listener_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group('listening')
    group.add_argument('--host', default='localhost',
                       help='address to listen on (default: %(default)s)')
    group.add_argument('--port', type=int, default=143,
                       help='IMAP port (default: %(default)s)')
    group.add_argument('--tls', action='store_true',
                       help='also listen with implicit TLS (RFC 8314)')
    group.add_argument('--tls-port', type=int, default=IMPLICIT_TLS_PORT,
                       metavar='PORT',
                       help='implicit TLS port (default: %(default)s)')
    group.add_argument('--workers', type=int, default=1, metavar='N',
                       help='processes sharing the port (SO_REUSEPORT); '
                            'for backends whose store can be shared')
    group.add_argument('--proxy-protocol', default='off',
                       choices=['off', 'v1', 'v2', 'detect'],
                       help='require a PROXY protocol header on every '
                            'connection (default: %(default)s)')


def _tls_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group('TLS')
    group.add_argument('--cert', metavar='FILE',
                       default=os.environ.get('PYMAP_CERT'),
                       help='PEM certificate chain, enables STARTTLS '
                            '(or $PYMAP_CERT)')
    group.add_argument('--key', metavar='FILE',
                       default=os.environ.get('PYMAP_KEY'),
                       help='PEM private key for --cert (or $PYMAP_KEY)')
    group.add_argument('--insecure-login', action='store_true',
                       help='allow passwords over unencrypted, '
                            'non-loopback connections')


def _limit_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group('limits and timeouts')
    limits = [
        ('--max-connections', int, 'open connections in all'),
        ('--max-connections-per-ip', int, 'open connections per address'),
        ('--max-line-length', int, 'longest command line, in bytes'),
        ('--max-append', int, 'largest message, in bytes (APPENDLIMIT)'),
        ('--preauth-timeout', float, 'seconds before login'),
        ('--autologout', float, 'idle seconds after login (RFC 3501 §5.4 '
                                'asks for at least 1800)'),
        ('--login-failure-delay', float, 'seconds before a failed login '
                                         'is answered'),
        ('--max-login-failures', int, 'failed logins per address within '
                                      '--login-failure-window'),
        ('--login-failure-window', float, 'seconds'),
        ('--shutdown-grace', float, 'seconds commands get to finish at '
                                    'shutdown'),
    ]
    for option, kind, text in limits:
        default = getattr(_DEFAULTS, option[2:].replace('-', '_'))
        group.add_argument(option, type=kind, default=default,
                           metavar='N', help=f'{text} (default: {default})')


def _process_options(parser: ArgumentParser) -> None:
    group = parser.add_argument_group('process')
    group.add_argument('--debug', action='store_true',
                       help='log the protocol exchange (secrets hidden)')
    group.add_argument('--log-format', choices=['text', 'json'],
                       default='text', help='log line format')
    group.add_argument('--pid-file', metavar='FILE',
                       help='write the process ID here')
    group.add_argument('--user', help='switch to this user after binding')
    group.add_argument('--group', help='switch to this group after binding')
    group.add_argument('--event-loop', choices=CHOICES, default='auto',
                       help='the event loop; auto: uvloop when installed')


def add_server_options(parser: ArgumentParser) -> None:
    """Adds every server option to *parser*."""
    _listener_options(parser)
    _tls_options(parser)
    _limit_options(parser)
    _process_options(parser)


def config_from_args(args: Namespace) -> IMAPConfig:
    """The configuration the options ask for. Raises :exc:`ValueError`
    with a message for the user when they do not fit together."""
    if bool(args.cert) != bool(args.key):
        raise ValueError('--cert and --key go together')
    if args.tls and not args.cert:
        raise ValueError('--tls needs --cert and --key')
    context = None
    if args.cert:
        try:
            context = IMAPConfig.server_ssl_context(args.cert, args.key)
        except OSError as exc:
            raise ValueError(f'cannot load certificate: {exc}') from exc
    return IMAPConfig(
        max_line_length=args.max_line_length, max_append=args.max_append,
        preauth_timeout=args.preauth_timeout, autologout=args.autologout,
        ssl_context=context, debug=args.debug,
        max_connections=args.max_connections,
        max_connections_per_ip=args.max_connections_per_ip,
        login_failure_delay=args.login_failure_delay,
        max_login_failures=args.max_login_failures,
        login_failure_window=args.login_failure_window,
        insecure_login=args.insecure_login,
        proxy_protocol=None if args.proxy_protocol == 'off'
        else args.proxy_protocol,
        shutdown_grace=args.shutdown_grace)

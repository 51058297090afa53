"""The optional TCP listener of the admin service: only with TLS, and
every request must carry ``authorization: Bearer <token>``."""

from __future__ import annotations

import hmac
import ssl
from pathlib import Path

from grpclib.const import Status
from grpclib.events import RecvRequest, listen
from grpclib.exceptions import GRPCError
from grpclib.server import Server

from pymap.config import IMAPConfig

from .metadata import TOKEN_KEY

__all__ = ['read_token', 'require_token', 'tls_context']


def read_token(path: str) -> str:
    """The token in *path* (surrounding whitespace ignored)."""
    token = Path(path).read_text('utf-8').strip()
    if not token:
        raise ValueError(f'{path} holds no token')
    return token


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A TLS 1.2+ server context speaking HTTP/2 (RFC 7540 §3.3)."""
    context = IMAPConfig.server_ssl_context(cert, key)
    context.set_alpn_protocols(['h2'])
    return context


def require_token(server: Server, token: str) -> None:
    """Makes *server* refuse, with ``UNAUTHENTICATED``, every request
    without the bearer *token*; compared in constant time."""
    expected = f'Bearer {token}'.encode()

    async def check(event: RecvRequest) -> None:
        given = event.metadata.get(TOKEN_KEY, '')
        if not isinstance(given, str) \
                or not hmac.compare_digest(given.encode(), expected):
            raise GRPCError(Status.UNAUTHENTICATED,
                            'Missing or invalid token.')

    listen(server, RecvRequest, check)

"""Who is on the other end of a connection: the socket peer, or the client
named by a PROXY protocol header (HAProxy PROXY protocol v1/v2)."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass

from proxyprotocol import ProxyProtocolIncompleteError
from proxyprotocol.reader import ProxyProtocolReader
from proxyprotocol.result import ProxyResult
from proxyprotocol.version import ProxyProtocolVersion

from pymap.config import IMAPConfig
from pymap.parsing.framing import LineTooLong

from .protocol import IMAPProtocol

__all__ = ['ClientInfo', 'ProxyHeaderError', 'identify_client']

#: How long a proxy may take to send its header.
PROXY_HEADER_TIMEOUT = 10.0


class ProxyHeaderError(Exception):
    """A required PROXY header was missing or malformed."""


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """The client's address, and whether a proxy terminated TLS for it."""

    address: str
    port: int | None = None
    proxied_tls: bool = False

    @property
    def loopback(self) -> bool:
        """Whether the client is on this machine (or a UNIX socket)."""
        try:
            return ipaddress.ip_address(self.address).is_loopback
        except ValueError:
            return self.address == 'unix'

    def __str__(self) -> str:
        return self.address if self.port is None \
            else f'{self.address}:{self.port}'


def _from_peer(transport: asyncio.BaseTransport) -> ClientInfo:
    peer = transport.get_extra_info('peername')
    if isinstance(peer, tuple) and len(peer) >= 2:
        return ClientInfo(str(peer[0]), int(peer[1]))
    return ClientInfo('unix')


def _from_proxy(result: ProxyResult,
                transport: asyncio.BaseTransport) -> ClientInfo:
    if not result.proxied:
        return _from_peer(transport)
    source = result.source
    if not isinstance(source, tuple):
        raise ProxyHeaderError('PROXY header names no client address.')
    return ClientInfo(str(source[0]), int(source[1]),
                      result.tlv.ssl.has_ssl)


class _HeaderReader:
    """The two reads the PROXY header parser makes, served from the bytes
    the connection received; what follows the header stays there for the
    IMAP commands."""

    def __init__(self, protocol: IMAPProtocol) -> None:
        self._protocol = protocol

    async def readexactly(self, n: int) -> bytes:
        while (data := self._protocol.framer.take(n)) is None:
            await self._more()
        return data

    async def readline(self) -> bytes:
        while (line := self._protocol.framer.take_line()) is None:
            await self._more()
        if isinstance(line, LineTooLong):
            raise ValueError('PROXY header line too long')
        return line

    async def _more(self) -> None:
        try:
            await self._protocol.more()
        except EOFError as exc:
            raise asyncio.IncompleteReadError(b'', None) from exc


async def identify_client(protocol: IMAPProtocol,
                          config: IMAPConfig) -> ClientInfo:
    """Reads the PROXY header when one is required, else uses the socket's
    peer address."""
    transport = protocol.transport
    if not config.proxy_protocol:
        return _from_peer(transport)
    version = ProxyProtocolVersion.get(config.proxy_protocol)
    try:
        result = await asyncio.wait_for(ProxyProtocolReader(version).read(
            _HeaderReader(protocol)), PROXY_HEADER_TIMEOUT)
    except (ValueError, ProxyProtocolIncompleteError, TimeoutError,
            asyncio.IncompleteReadError, ConnectionError) as exc:
        raise ProxyHeaderError(str(exc) or type(exc).__name__) from exc
    return _from_proxy(result, transport)

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


def _from_peer(writer: asyncio.StreamWriter) -> ClientInfo:
    peer = writer.get_extra_info('peername')
    if isinstance(peer, tuple) and len(peer) >= 2:
        return ClientInfo(str(peer[0]), int(peer[1]))
    return ClientInfo('unix')


def _from_proxy(result: ProxyResult,
                writer: asyncio.StreamWriter) -> ClientInfo:
    if not result.proxied:
        return _from_peer(writer)
    source = result.source
    if not isinstance(source, tuple):
        raise ProxyHeaderError('PROXY header names no client address.')
    return ClientInfo(str(source[0]), int(source[1]),
                      result.tlv.ssl.has_ssl)


async def identify_client(reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter,
                          config: IMAPConfig) -> ClientInfo:
    """Reads the PROXY header when one is required, else uses the socket's
    peer address."""
    if not config.proxy_protocol:
        return _from_peer(writer)
    version = ProxyProtocolVersion.get(config.proxy_protocol)
    try:
        result = await asyncio.wait_for(
            ProxyProtocolReader(version).read(reader), PROXY_HEADER_TIMEOUT)
    except (ValueError, ProxyProtocolIncompleteError, TimeoutError,
            asyncio.IncompleteReadError, ConnectionError) as exc:
        raise ProxyHeaderError(str(exc) or type(exc).__name__) from exc
    return _from_proxy(result, writer)

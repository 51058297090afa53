"""PROXY protocol headers as a load balancer would send them."""

from __future__ import annotations

from ipaddress import IPv4Address

from proxyprotocol.result import ProxyResultIPv4
from proxyprotocol.tlv import ProxyProtocolSSLTLV, ProxyProtocolTLV
from proxyprotocol.v1 import ProxyProtocolV1
from proxyprotocol.v2 import ProxyProtocolV2

__all__ = ['proxy_v1', 'proxy_v2']

_SERVER = (IPv4Address('192.0.2.1'), 143)


def proxy_v1(address: str, port: int = 40000) -> bytes:
    """A text (version 1) header for a TCP4 client."""
    result = ProxyResultIPv4((IPv4Address(address), port), _SERVER)
    return ProxyProtocolV1().pack(result)


def proxy_v2(address: str, port: int = 40000, tls: bool = False) -> bytes:
    """A binary (version 2) header, optionally saying the proxy
    terminated TLS."""
    tlv = ProxyProtocolTLV(ssl=ProxyProtocolSSLTLV(has_ssl=True)) if tls \
        else ProxyProtocolTLV()
    result = ProxyResultIPv4((IPv4Address(address), port), _SERVER, tlv=tlv)
    return ProxyProtocolV2().pack(result)

"""Binds the listening sockets before anything else happens, so that the
process can drop root privileges before the backend starts."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from typing import Any

__all__ = ['bind_sockets', 'start_listening']


def _bind_one(family: int, address: tuple[Any, ...],
              reuse_port: bool, listen: bool) -> socket.socket:
    # The protocol must be given: asyncio turns off Nagle's algorithm
    # (TCP_NODELAY) only on sockets that say they are TCP.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        if listen:
            sock.listen(socket.SOMAXCONN)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def bind_sockets(host: str | None, port: int, reuse_port: bool = False,
                 listen: bool = True) -> list[socket.socket]:
    """Listening sockets for every address *host* resolves to (all
    interfaces for ``None``). With port 0, the sockets after the first
    take the port the first one was given. Without *listen* they are only
    bound, and refuse connections until :func:`start_listening`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    addresses = list(dict.fromkeys((info[0], info[4]) for info in infos))
    sockets: list[socket.socket] = []
    try:
        for family, address in addresses:
            if sockets and port == 0:
                address = (address[0], sockets[0].getsockname()[1],
                           *address[2:])
            sockets.append(_bind_one(family, address, reuse_port, listen))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def start_listening(sockets: Iterable[socket.socket]) -> None:
    """Lets bound sockets accept connections."""
    for sock in sockets:
        sock.listen(socket.SOMAXCONN)

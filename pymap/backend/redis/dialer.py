"""Opening connections to Redis from the backend's URL, and the process's
one shared command connection (doc/redis.md, "Connections")."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from typing import Any

from redis.asyncio.connection import SSLConnection, parse_url
from redis.exceptions import ConnectionError, RedisError

from .wire import PushHandler, Wire

__all__ = ['Dialer', 'SharedConnection']

#: Values of the URL's ``ssl_cert_reqs`` query argument.
_CERT_REQS = {'none': ssl.CERT_NONE, 'optional': ssl.CERT_OPTIONAL,
              'required': ssl.CERT_REQUIRED}


class Dialer:
    """Opens connections as a URL says.

    Args:
        url: A ``redis://``, ``rediss://`` or ``unix://`` URL: host, port
            or socket path, user name, password, database number, and the
            ``ssl_*`` query arguments that redis-py reads from it.
        connect_timeout: Seconds to connect, log in and select.
        command_timeout: Seconds a reply may be awaited.

    Raises:
        ValueError: ``ssl_cert_reqs`` is not one of its values.
    """

    def __init__(self, url: str, connect_timeout: float,
                 command_timeout: float) -> None:
        self._params: dict[str, Any] = dict(parse_url(url))
        self._connect_timeout = connect_timeout
        self._command_timeout = command_timeout
        self._tls = self._tls_context()

    async def open(self, address: tuple[str, int] | None = None,
                   on_push: PushHandler | None = None) -> Wire:
        """A connection to the URL's server, or to the node at *address*
        with the URL's credentials, logged in and with its database
        selected.

        Raises:
            ConnectionError: Redis cannot be reached or refused the login.
        """
        where = self._params.get('path') if address is None else None
        where = where or '{}:{}'.format(*self._address(address))
        wire: Wire | None = None
        try:
            async with asyncio.timeout(self._connect_timeout):
                wire = await self._connected(address, on_push)
                await self._log_in(wire)
        except (OSError, RedisError) as exc:
            if wire is not None:
                wire.close()
            raise ConnectionError(f'cannot use Redis at {where}: '
                                  f'{exc!r}') from exc
        return wire

    async def _connected(self, address: tuple[str, int] | None,
                         on_push: PushHandler | None) -> Wire:
        loop = asyncio.get_running_loop()
        timeout = self._command_timeout
        if address is None and 'path' in self._params:
            _, wire = await loop.create_unix_connection(
                lambda: Wire(timeout, on_push), self._params['path'])
            return wire
        host, port = self._address(address)
        _, wire = await loop.create_connection(
            lambda: Wire(timeout, on_push), host, port, ssl=self._tls)
        return wire

    def _address(self, address: tuple[str, int] | None) -> tuple[str, int]:
        """*address*, or the URL's host and port."""
        return address or (self._params.get('host', 'localhost'),
                           self._params.get('port', 6379))

    async def _log_in(self, wire: Wire) -> None:
        password = self._params.get('password')
        if password is not None:
            username = self._params.get('username')
            credentials = (password,) if username is None \
                else (username, password)
            await wire.call('AUTH', *credentials)
        if self._params.get('db'):
            await wire.call('SELECT', self._params['db'])

    def _tls_context(self) -> ssl.SSLContext | None:
        params = self._params
        if params.get('connection_class') is not SSLConnection:
            return None
        context = ssl.create_default_context(
            cafile=params.get('ssl_ca_certs'))
        if params.get('ssl_certfile'):
            context.load_cert_chain(params['ssl_certfile'],
                                    params.get('ssl_keyfile'))
        reqs = _CERT_REQS.get(params.get('ssl_cert_reqs', 'required'))
        if reqs is None:
            raise ValueError('ssl_cert_reqs must be one of '
                             + ', '.join(_CERT_REQS))
        context.check_hostname = bool(params.get(
            'ssl_check_hostname', reqs != ssl.CERT_NONE))
        context.verify_mode = reqs
        return context


class SharedConnection:
    """The process's connection to a standalone Redis for all its
    commands: opened on first use, and opened again on the next use after
    it was lost. A command in flight when the connection is lost fails and
    is never sent again (doc/redis.md, "Faults").

    Args:
        dialer: Opens the connection.
    """

    def __init__(self, dialer: Dialer) -> None:
        self._dialer = dialer
        self._wire: Wire | None = None
        self._lock = asyncio.Lock()

    async def call(self, *args: object) -> Any:
        """Runs one command (see :meth:`Wire.call`)."""
        wire = self._usable() or await self._reconnected()
        return await wire.call(*args)

    async def call_all(self, commands: Sequence[Sequence[object]]
                       ) -> list[Any]:
        """Runs commands back to back (see :meth:`Wire.call_all`)."""
        wire = self._usable() or await self._reconnected()
        return await wire.call_all(commands)

    def close(self) -> None:
        """Closes the connection, if open."""
        if self._wire is not None:
            self._wire.close()

    def _usable(self) -> Wire | None:
        """The open connection, unless it failed."""
        wire = self._wire
        return None if wire is None or wire.failure is not None else wire

    async def _reconnected(self) -> Wire:
        async with self._lock:
            wire = self._usable()
            if wire is None:
                wire = self._wire = await self._dialer.open()
            return wire

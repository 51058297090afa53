"""One client connection: the command loop of RFC 3501 §2.2, the state
table, and the commands that need the connection itself (STARTTLS, login,
IDLE, LOGOUT)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from pymap import __version__
from pymap.backend.session import BaseSession
from pymap.config import IMAPConfig
from pymap.exceptions import CloseConnection, IMAPError
from pymap.interfaces.backend import Backend
from pymap.interfaces.session import Done, Output, Session
from pymap.parsing.commands import (
    AuthenticateCommand,
    CapabilityCommand,
    Command,
    EnableCommand,
    IdCommand,
    IdleCommand,
    InvalidCommand,
    LoginCommand,
    LogoutCommand,
    StartTLSCommand,
)
from pymap.parsing.response import Response, render_list, render_string

from .auth import login_credentials, sasl_exchange
from .capabilities import capabilities
from .state import SESSION_HANDLERS, State, allowed_in
from .stream import ClientClosed, IMAPStream

__all__ = ['Connection']

_log = logging.getLogger(__name__)


class _Logout(Exception):
    """Ends the command loop after LOGOUT."""


class Connection:
    """Serves one client from greeting to BYE."""

    def __init__(self, stream: IMAPStream, backend: Backend,
                 config: IMAPConfig) -> None:
        self.stream = stream
        self.backend = backend
        self.config = config
        self.session: Session | None = None
        self._bad_streak = 0

    @property
    def state(self) -> State:
        """The connection state, derived from the session."""
        if self.session is None:
            return State.NOT_AUTHENTICATED
        if self.session.selected:
            return State.SELECTED
        return State.AUTHENTICATED

    def _capabilities(self) -> bytes:
        return capabilities(self.config, self.session is not None,
                            self.stream.secure)

    async def run(self) -> None:
        """Greets the client and serves commands until LOGOUT or BYE."""
        try:
            await self.stream.write(b'* OK [CAPABILITY %s] pymap ready.\r\n'
                                    % self._capabilities())
            await self._loop()
        except ClientClosed as exc:
            if exc.timed_out:
                await self._bye('Autologout: idle for too long.')
        except (ConnectionError, OSError):
            pass
        except CloseConnection as exc:
            await self._bye(exc.text, exc.code)
        except _Logout:
            pass
        except Exception:
            _log.exception('Unexpected error; closing the connection.')
            await self._bye('Server error.', b'SERVERBUG')
        finally:
            await self.stream.close()

    def shutdown(self) -> None:
        """Ends the connection from the server's side (RFC 3501 §7.1.5)."""
        self.stream.shutdown(bytes(Response(
            b'*', b'BYE', 'Server shutting down.', b'UNAVAILABLE')))

    async def _bye(self, text: str, code: bytes | None = None) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            await self.stream.write(bytes(Response(b'*', b'BYE', text,
                                                   code)))

    async def _loop(self) -> None:
        while True:
            command = await self.stream.read_command()
            if isinstance(command, Response):
                await self._respond(command)
            elif isinstance(command, InvalidCommand):
                await self._respond(Response(command.tag, b'BAD',
                                             command.reason))
            else:
                await self._execute(command)

    async def _respond(self, response: Response) -> None:
        await self.stream.write(bytes(response))
        if response.status != b'BAD':
            self._bad_streak = 0
            return
        self._bad_streak += 1
        if self._bad_streak >= self.config.bad_command_limit:
            raise CloseConnection('Too many invalid commands.')

    async def _execute(self, command: Command) -> None:
        if self.config.debug:
            _log.debug('%s -> %r', id(self.stream), command)
        if not allowed_in(command, self.state):
            await self._respond(Response(
                command.tag, b'BAD',
                f'Command not valid in the {self.state.value} state.'))
            return
        try:
            # A handler may go on after its Done, once the tagged response
            # has been sent (STARTTLS, LOGOUT).
            async for item in self._dispatch(command):
                if isinstance(item, Done):
                    await self._respond(Response(command.tag, b'OK',
                                                 item.text, item.code))
                else:
                    await self.stream.write(item)
        except IMAPError as exc:
            await self._respond(Response(command.tag, exc.status, exc.text,
                                         exc.code))

    def _dispatch(self, command: Command) -> Output:
        handler = _CONNECTION_HANDLERS.get(type(command))
        if handler is not None:
            return handler(self, command)
        if self.session is None:
            return self._noop(command)
        return SESSION_HANDLERS[type(command)](self.session, command)

    async def _noop(self, command: Command) -> Output:
        yield Done('NOOP completed.')

    async def _capability(self, command: Command) -> Output:
        yield b'* CAPABILITY %s\r\n' % self._capabilities()
        yield Done('CAPABILITY completed.')

    async def _logout(self, command: Command) -> Output:
        yield b'* BYE Logging out.\r\n'
        yield Done('LOGOUT completed.')
        raise _Logout()

    async def _id(self, command: Command) -> Output:
        fields = [b'"name"', b'"pymap"', b'"version"',
                  render_string(__version__.encode())]
        yield b'* ID %s\r\n' % render_list(fields)
        yield Done('ID completed.')

    async def _enable(self, command: Command) -> Output:
        yield b'* ENABLED\r\n'
        yield Done('ENABLE completed.')

    async def _starttls(self, command: Command) -> Output:
        context = self.config.ssl_context
        if context is None or self.stream.secure:
            raise _Bad('STARTTLS is not available.')
        yield Done('Begin TLS negotiation now.')
        await self.stream.start_tls(context)

    async def _login(self, command: Command) -> Output:
        if isinstance(command, LoginCommand):
            credentials = login_credentials(command)
        elif isinstance(command, AuthenticateCommand):
            credentials = await sasl_exchange(self.stream, command)
        else:  # pragma: no cover
            raise TypeError(command)
        identity = await self.backend.login.authenticate(credentials)
        mailboxes = await identity.mailbox_set()
        self.session = BaseSession(mailboxes, self.config)
        self.stream.timeout = self.config.autologout
        self.stream.allow_append = True
        yield Done('Authentication successful.',
                   b'CAPABILITY ' + self._capabilities())

    async def _idle(self, command: Command) -> Output:
        session = self.session
        if session is None:  # pragma: no cover  (state table forbids it)
            raise _Bad('Not authenticated.')
        await self.stream.write(b'+ Idling.\r\n')
        pusher = asyncio.create_task(self._push_updates(session))
        try:
            line = await self.stream.read_line()
        finally:
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pusher
        if line.upper() != b'DONE':
            raise _Bad('Expected DONE.')
        yield Done('IDLE terminated.')

    async def _push_updates(self, session: Session) -> None:
        while True:
            async for line in session.idle(self.config.autologout):
                if isinstance(line, bytes):
                    await self.stream.write(line)


class _Bad(IMAPError):
    status = b'BAD'


_CONNECTION_HANDLERS: dict[type[Command],
                           Callable[[Connection, Command], Output]] = {
    CapabilityCommand: Connection._capability,
    LogoutCommand: Connection._logout,
    IdCommand: Connection._id,
    EnableCommand: Connection._enable,
    StartTLSCommand: Connection._starttls,
    LoginCommand: Connection._login,
    AuthenticateCommand: Connection._login,
    IdleCommand: Connection._idle,
}

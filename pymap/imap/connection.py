"""One client connection: the command loop of RFC 3501 §2.2, the state
table, and the commands that need the connection itself (STARTTLS, login,
IDLE, LOGOUT)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from pymap import __version__
from pymap.backend.session import BaseSession
from pymap.config import IMAPConfig
from pymap.exceptions import (
    AuthenticationFailed,
    BadCommand,
    CloseConnection,
    IMAPError,
    LoginsThrottled,
    MailboxNotFound,
    PrivacyRequired,
)
from pymap.interfaces.backend import Backend
from pymap.interfaces.session import Done, Session, Untagged
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
from pymap.parsing.response import (
    Response,
    render_list,
    render_status,
    render_string,
)

from .auth import login_credentials, sasl_exchange
from .batch import UpdateBatch
from .capabilities import PLAINTEXT_MECHANISMS, capabilities
from .client import ClientInfo
from .limits import LoginThrottle
from .state import SESSION_HANDLERS, State, allowed_in
from .stream import ClientClosed, IMAPStream

__all__ = ['Connection', 'ServerState']

_log = logging.getLogger(__name__)


class _Logout(Exception):
    """Ends the command loop after LOGOUT."""


@dataclass(frozen=True, slots=True)
class ServerState:
    """What every connection of one server shares."""

    backend: Backend
    config: IMAPConfig
    throttle: LoginThrottle
    idle_updates: UpdateBatch = field(default_factory=UpdateBatch)


class Connection:
    """Serves one client from greeting to BYE."""

    def __init__(self, stream: IMAPStream, server: ServerState,
                 client: ClientInfo) -> None:
        self.stream = stream
        self.backend = server.backend
        self.config = server.config
        self.throttle = server.throttle
        self._updates = server.idle_updates
        self.client = client
        self.session: Session | None = None
        self._bad_streak = 0
        self._busy = False
        self._closing = False

    @property
    def state(self) -> State:
        """The connection state, derived from the session."""
        if self.session is None:
            return State.NOT_AUTHENTICATED
        if self.session.selected:
            return State.SELECTED
        return State.AUTHENTICATED

    @property
    def secure(self) -> bool:
        """TLS to this server, or to a proxy that said so."""
        return self.stream.secure or self.client.proxied_tls

    @property
    def plaintext_allowed(self) -> bool:
        """Whether passwords may be sent as they are (RFC 3501 §6.2.3):
        over TLS, from loopback, or when the operator allows it."""
        return self.secure or self.client.loopback \
            or self.config.insecure_login

    def _capabilities(self) -> bytes:
        return capabilities(self.config, self.session is not None,
                            self.secure, self.plaintext_allowed)

    async def run(self) -> None:
        """Greets the client and serves commands until LOGOUT or BYE, then
        closes the connection."""
        # Compiled by mypyc, an await in a finally block lets out an
        # exception a callee caught, and a bare raise after an await in an
        # except block raises no valid exception: neither is used here.
        try:
            await self._serve()
        except BaseException as exc:
            await self.stream.close()
            raise exc
        await self.stream.close()

    async def _serve(self) -> None:
        try:
            await self.stream.write(b'* OK [CAPABILITY %s] pymap ready.\r\n'
                                    % self._capabilities())
            await self._loop()
        except ClientClosed as closed:
            if closed.timed_out:
                await self._bye('Autologout: idle for too long.')
        except (ConnectionError, OSError):
            pass
        except CloseConnection as refused:
            await self._bye(refused.text, refused.code)
        except _Logout:
            pass
        except Exception:
            _log.exception('Unexpected error; closing the connection.')
            await self._bye('Server error.', b'SERVERBUG')

    def shutdown(self) -> None:
        """Ends the connection from the server's side (RFC 3501 §7.1.5):
        at once when it waits for a command, else once the command in
        progress has finished."""
        self._closing = True
        if not (self._busy or self.stream.mid_command):
            self.stream.shutdown(_SHUTDOWN_BYE)

    async def _bye(self, text: str, code: bytes | None = None) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            await self.stream.write(bytes(Response(b'*', b'BYE', text,
                                                   code)))

    async def _loop(self) -> None:
        while not self._closing:
            command = await self.stream.read_command()
            self._busy = True
            if isinstance(command, Response):
                await self._respond(command)
            elif isinstance(command, InvalidCommand):
                await self._respond(Response(command.tag, b'BAD',
                                             command.reason))
            else:
                await self._execute(command)
            self._busy = False
        self.stream.shutdown(_SHUTDOWN_BYE)

    async def _respond(self, response: Response) -> None:
        await self._send_status(bytes(response), response.status)

    async def _send_status(self, line: bytes, status: bytes) -> None:
        """Sends a rendered status response, counting BAD ones in a row
        (too many end the connection)."""
        await self.stream.write(line)
        if status != b'BAD':
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
            done = await self._dispatch(command)
        except IMAPError as exc:
            if isinstance(exc, MailboxNotFound) \
                    and await self._selected_deleted():
                raise CloseConnection(_SELECTED_DELETED) from exc
            await self._respond(Response(command.tag, exc.status, exc.text,
                                         exc.code))
            return
        if done is not None:
            await self._send_ok(command, done)

    async def _selected_deleted(self) -> bool:
        session = self.session
        return session is not None and await session.selected_deleted()

    async def _send_ok(self, command: Command, done: Done) -> None:
        """Sends the tagged ``OK`` ending *command*, after the untagged
        responses its handler queued."""
        await self._send_status(render_status(
            command.tag, b'OK', done.text, done.code), b'OK')

    def _dispatch(self, command: Command) -> Awaitable[Done | None]:
        """Runs the handler of *command*: the tagged ``OK`` to send, or
        None when the handler sent it itself (it had more to do after)."""
        stream = self.stream
        handler = _CONNECTION_HANDLERS.get(type(command))
        if handler is not None:
            return handler(self, command, stream)
        if self.session is None:
            return self._noop(command, stream)
        return SESSION_HANDLERS[type(command)](self.session, command, stream)

    async def _noop(self, command: Command, out: Untagged) -> Done:
        return Done('NOOP completed.')

    async def _capability(self, command: Command, out: Untagged) -> Done:
        await out.queue(b'* CAPABILITY %s\r\n' % self._capabilities())
        return Done('CAPABILITY completed.')

    async def _logout(self, command: Command, out: Untagged) -> None:
        await out.queue(b'* BYE Logging out.\r\n')
        await self._send_ok(command, Done('LOGOUT completed.'))
        raise _Logout()

    async def _id(self, command: Command, out: Untagged) -> Done:
        fields = [b'"name"', b'"pymap"', b'"version"',
                  render_string(__version__.encode())]
        await out.queue(b'* ID %s\r\n' % render_list(fields))
        return Done('ID completed.')

    async def _enable(self, command: Command, out: Untagged) -> Done:
        await out.queue(b'* ENABLED\r\n')
        return Done('ENABLE completed.')

    async def _starttls(self, command: Command, out: Untagged) -> None:
        context = self.config.ssl_context
        if context is None or self.stream.secure:
            raise BadCommand('STARTTLS is not available.')
        await self._send_ok(command, Done('Begin TLS negotiation now.'))
        await self.stream.start_tls(context)

    def _check_login_allowed(self, command: Command) -> None:
        plaintext = isinstance(command, LoginCommand) or (
            isinstance(command, AuthenticateCommand)
            and command.mechanism in PLAINTEXT_MECHANISMS)
        if plaintext and not self.plaintext_allowed:
            raise PrivacyRequired()
        if self.throttle.blocked(self.client.address):
            _log.warning('login refused from %s: too many failures',
                         self.client)
            raise LoginsThrottled()

    async def _login(self, command: Command, out: Untagged) -> Done:
        self._check_login_allowed(command)
        if isinstance(command, LoginCommand):
            credentials = login_credentials(command)
        elif isinstance(command, AuthenticateCommand):
            credentials = await sasl_exchange(self.stream, command)
        else:  # pragma: no cover
            raise TypeError(command)
        try:
            identity = await self.backend.login.authenticate(credentials)
        except AuthenticationFailed as exc:
            _log.warning('login failed for %r from %s: %s',
                         credentials.authcid, self.client, exc.text)
            self.throttle.failed(self.client.address)
            await asyncio.sleep(self.config.login_failure_delay)
            raise exc  # not a bare raise (see run)
        _log.info('login %r from %s', identity.name, self.client)
        mailboxes = await identity.mailbox_set()
        self.session = BaseSession(mailboxes, self.config)
        self.stream.timeout = self.config.autologout
        self.stream.allow_append = True
        return Done('Authentication successful.',
                    b'CAPABILITY ' + self._capabilities())

    async def _idle(self, command: Command, out: Untagged) -> Done:
        session = self.session
        if session is None:  # pragma: no cover  (state table forbids it)
            raise BadCommand('Not authenticated.')
        await self.stream.write(b'+ Idling.\r\n')
        pusher = asyncio.create_task(self._push_updates(session))
        self._busy = False
        try:
            line = await self.stream.read_line()
        except BaseException as exc:  # no finally: see run()
            await self._stop_pushing(pusher)
            raise exc
        await self._stop_pushing(pusher)
        if line.upper() != b'DONE':
            raise BadCommand('Expected DONE.')
        return Done('IDLE terminated.')

    async def _stop_pushing(self, pusher: asyncio.Task[None]) -> None:
        self._busy = True
        pusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pusher

    async def _push_updates(self, session: Session) -> None:
        """Sends each set of untagged updates during IDLE (RFC 2177) in
        one write, in a batch with those of the other sessions the change
        woke. The wait has no time limit: the autologout is the timeout
        of the read that waits for ``DONE``. Once the selected mailbox is
        deleted, the ``BYE`` goes out at once and closing the connection
        ends that read."""
        with self.stream.sending_at_once():
            while True:
                try:
                    lines = await session.idle(math.inf)
                except MailboxNotFound as exc:
                    if not await session.selected_deleted():
                        raise exc
                    self.stream.shutdown(_SELECTED_DELETED_BYE)
                    return
                if lines:
                    await self.stream.push(b''.join(lines), self._updates)


_SHUTDOWN_BYE = bytes(Response(b'*', b'BYE', 'Server shutting down.',
                               b'UNAVAILABLE'))
#: A session whose selected mailbox was deleted cannot go on in the
#: selected state: it ends with ``BYE`` (RFC 2180 §3.2, as Dovecot does),
#: where a ``NO`` to every command would leave the client stuck there.
_SELECTED_DELETED = 'Selected mailbox was deleted.'
_SELECTED_DELETED_BYE = bytes(Response(b'*', b'BYE', _SELECTED_DELETED))


_CONNECTION_HANDLERS: dict[type[Command], Callable[
    [Connection, Command, Untagged], Awaitable[Done | None]]] = {
    CapabilityCommand: Connection._capability,
    LogoutCommand: Connection._logout,
    IdCommand: Connection._id,
    EnableCommand: Connection._enable,
    StartTLSCommand: Connection._starttls,
    LoginCommand: Connection._login,
    AuthenticateCommand: Connection._login,
    IdleCommand: Connection._idle,
}

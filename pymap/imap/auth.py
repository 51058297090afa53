"""LOGIN and AUTHENTICATE (RFC 3501 §6.2.2, §6.2.3; SASL-IR, RFC 4959)."""

from __future__ import annotations

import binascii
from base64 import b64decode, b64encode

from pysasl import SASLAuth
from pysasl.creds.plain import PlainCredentials
from pysasl.creds.server import ServerCredentials
from pysasl.exception import InvalidResponse
from pysasl.mechanism import ChallengeResponse, ServerChallenge

from pymap.exceptions import IMAPError
from pymap.parsing.commands import AuthenticateCommand, LoginCommand

from .capabilities import SASL_MECHANISMS
from .stream import IMAPStream

__all__ = ['AuthenticationCancelled', 'login_credentials',
           'sasl_exchange']

_MAX_ROUNDS = 8
_SASL = SASLAuth.named(SASL_MECHANISMS)

#: Mechanisms where the server speaks first, so a SASL-IR initial response
#: has nothing to answer (RFC 4959 §3 asks for BAD).
_SERVER_FIRST = frozenset({b'CRAM-MD5'})


class AuthenticationCancelled(IMAPError):
    """The client sent ``*`` or an undecodable response."""

    status = b'BAD'
    default_text = 'Authentication cancelled.'


class UnsupportedMechanism(IMAPError):
    """AUTHENTICATE named an unknown mechanism."""

    code = b'CANNOT'
    default_text = 'Unsupported authentication mechanism.'


def login_credentials(cmd: LoginCommand) -> ServerCredentials:
    """LOGIN's arguments as SASL credentials."""
    try:
        username = cmd.username.decode('utf-8')
        password = cmd.password.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise AuthenticationCancelled('Credentials must be UTF-8.') from exc
    return PlainCredentials(username, password)


def _decode(data: bytes) -> bytes:
    if data == b'=':
        return b''
    try:
        return b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AuthenticationCancelled('Invalid base64 response.') from exc


async def sasl_exchange(stream: IMAPStream,
                        cmd: AuthenticateCommand) -> ServerCredentials:
    """Runs the challenge/response exchange until the mechanism has the
    client's credentials."""
    mechanism = _SASL.get_server(cmd.mechanism)
    if mechanism is None:
        raise UnsupportedMechanism()
    if cmd.initial is not None and cmd.mechanism in _SERVER_FIRST:
        raise AuthenticationCancelled(
            'This mechanism takes no initial response.')
    responses: list[ChallengeResponse] = []
    initial = cmd.initial
    for _ in range(_MAX_ROUNDS):
        try:
            credentials, _final = mechanism.server_attempt(responses)
            return credentials
        except ServerChallenge as challenge:
            if initial is not None and not responses:
                reply, initial = initial, None
            else:
                await stream.write(b'+ ' + b64encode(challenge.data)
                                   + b'\r\n')
                reply = await stream.read_line()
            if reply == b'*':
                raise AuthenticationCancelled() from None
            responses.append(ChallengeResponse(challenge.data,
                                               _decode(reply)))
        except (InvalidResponse, UnicodeDecodeError) as exc:
            raise AuthenticationCancelled('Invalid SASL response.') from exc
    raise AuthenticationCancelled('Too many SASL rounds.')

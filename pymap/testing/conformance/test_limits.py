"""Connection limits, timeouts and failed-login throttling: each limit
answers cleanly (``* BYE`` with a reason, or ``NO`` with a code) and leaves
other connections alone."""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from pymap.config import IMAPConfig
from pymap.testing import TEST_PASSWORD as PASSWORD
from pymap.testing import TEST_USER as USER
from pymap.testing import BackendFactory, ServerThread
from pymap.testing.rawclient import RawClient

from .proxy import proxy_v1

LIMITED = IMAPConfig(max_connections=3, max_connections_per_ip=2,
                     preauth_timeout=0.5, autologout=0.8,
                     login_failure_delay=0.2, max_login_failures=2,
                     proxy_protocol='detect')


@pytest.fixture
def config() -> IMAPConfig:
    return LIMITED


Opener = Callable[..., RawClient]


@pytest.fixture
def open_client(server: ServerThread) -> Iterator[Opener]:
    """Connects through a PROXY v1 header naming *address* as the
    client; every client is closed at the end."""
    clients: list[RawClient] = []

    def connect(address: str = '10.0.0.1') -> RawClient:
        sock = socket.create_connection((server.host, server.port),
                                        timeout=10)
        sock.sendall(proxy_v1(address))
        clients.append(RawClient.from_socket(sock))
        return clients[-1]

    yield connect
    for client in clients:
        client.close()


def _still_serves(client: RawClient) -> None:
    assert client.command(b'n NOOP')[-1].startswith(b'n OK')


def test_per_address_limit(open_client: Opener) -> None:
    first, second = open_client(), open_client()
    refused = open_client()
    assert refused.greeting.startswith(b'* BYE [UNAVAILABLE] Too many ')
    assert refused.readline() == b''
    other = open_client('10.0.0.2')
    assert other.greeting.startswith(b'* OK')
    for client in (first, second, other):
        _still_serves(client)


def test_total_limit_and_release(open_client: Opener) -> None:
    clients = [open_client(f'10.0.1.{i}') for i in range(3)]
    refused = open_client('10.0.2.1')
    assert refused.greeting == \
        b'* BYE [UNAVAILABLE] Too many connections.\r\n'
    clients[0].command(b'z LOGOUT')
    clients[0].close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        retry = open_client('10.0.2.1')
        if retry.greeting.startswith(b'* OK'):
            break
        time.sleep(0.05)
    assert retry.greeting.startswith(b'* OK')
    _still_serves(clients[1])


def test_preauth_timeout(open_client: Opener) -> None:
    idle = open_client('127.0.0.1')
    busy = open_client('127.0.0.2')
    busy.command(b'a LOGIN %s %s' % (USER.encode(), PASSWORD.encode()))
    assert idle.readline() == \
        b'* BYE Autologout: idle for too long.\r\n'
    assert idle.readline() == b''
    _still_serves(busy)


def test_autologout_when_authenticated(open_client: Opener) -> None:
    client = open_client('127.0.0.1')
    client.command(b'a LOGIN %s %s' % (USER.encode(), PASSWORD.encode()))
    started = time.monotonic()
    assert client.readline() == b'* BYE Autologout: idle for too long.\r\n'
    assert time.monotonic() - started >= LIMITED.autologout * 0.9


def test_commands_keep_a_session_from_autologout(open_client: Opener
                                                 ) -> None:
    client = open_client('127.0.0.1')
    client.command(b'a LOGIN %s %s' % (USER.encode(), PASSWORD.encode()))
    started = time.monotonic()
    for number in range(8):  # commands for 1.6 s, twice the autologout
        time.sleep(LIMITED.autologout / 4)
        assert client.command(b'n%d NOOP' % number)[-1].startswith(
            b'n%d OK' % number)
    assert time.monotonic() - started > 2 * LIMITED.autologout * 0.9
    assert client.readline() == b'* BYE Autologout: idle for too long.\r\n'


def test_failed_logins_are_delayed_then_throttled(
        open_client: Opener, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger='pymap')
    client = open_client('127.0.0.5')
    for attempt in range(2):
        started = time.monotonic()
        lines = client.command(b'a%d LOGIN %s wrong' % (attempt,
                                                        USER.encode()))
        assert lines[-1].startswith(b'a%d NO [AUTHENTICATIONFAILED]'
                                    % attempt)
        assert time.monotonic() - started >= LIMITED.login_failure_delay
    lines = client.command(b'b LOGIN %s %s' % (USER.encode(),
                                               PASSWORD.encode()))
    assert lines[-1].startswith(b'b NO [UNAVAILABLE]')
    other = open_client('127.0.0.6')
    lines = other.command(b'c LOGIN %s %s' % (USER.encode(),
                                              PASSWORD.encode()))
    assert lines[-1].startswith(b'c OK')
    messages = [record.getMessage() for record in caplog.records]
    assert any(f"login failed for '{USER}' from 127.0.0.5" in message
               for message in messages)
    assert not any('wrong' in message for message in messages)


def test_connection_open_and_close_are_logged(
        open_client: Opener, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger='pymap')
    client = open_client('192.0.2.7')
    client.command(b'z LOGOUT')
    assert client.readline() == b''
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(
            'connection closed from 192.0.2.7' in record.getMessage()
            for record in caplog.records):
        time.sleep(0.02)
    messages = [record.getMessage() for record in caplog.records]
    assert any('connection opened from 192.0.2.7' in m for m in messages)
    assert any('connection closed from 192.0.2.7' in m for m in messages)


def test_shutdown_says_bye_to_waiting_and_idling_clients(
        backend: BackendFactory) -> None:
    config = dataclasses.replace(LIMITED, proxy_protocol=None,
                                 autologout=60, preauth_timeout=60)
    server = ServerThread(backend, config)
    server.start()
    waiting = RawClient(server.host, server.port)
    idling = RawClient(server.host, server.port)
    try:
        idling.command(b'a LOGIN %s %s' % (USER.encode(),
                                           PASSWORD.encode()))
        idling.command(b'b SELECT INBOX')
        idling.send(b'c IDLE\r\n')
        assert idling.readline().startswith(b'+ ')
        server.stop()
        bye = b'* BYE [UNAVAILABLE] Server shutting down.\r\n'
        assert waiting.readline() == bye
        assert idling.readline() == bye
        assert idling.readline() == b''
    finally:
        waiting.close()
        idling.close()



def test_shutdown_lets_a_command_in_flight_finish(
        backend: BackendFactory) -> None:
    config = dataclasses.replace(LIMITED, proxy_protocol=None,
                                 autologout=60, preauth_timeout=60)
    server = ServerThread(backend, config)
    server.start()
    busy = RawClient(server.host, server.port)
    idle = RawClient(server.host, server.port)
    stopper = threading.Thread(target=server.stop)
    bye = b'* BYE [UNAVAILABLE] Server shutting down.\r\n'
    try:
        busy.command(b'a LOGIN %s %s' % (USER.encode(), PASSWORD.encode()))
        message = b'Subject: late\r\n\r\nstill delivered\r\n'
        busy.send(b'b APPEND INBOX {%d}\r\n' % len(message))
        assert busy.readline().startswith(b'+ ')
        stopper.start()
        assert idle.readline() == bye  # the shutdown has begun
        busy.send(message + b'\r\n')
        assert busy.readline().startswith(b'b OK [APPENDUID ')
        assert busy.readline() == bye
        assert busy.readline() == b''
    finally:
        busy.close()
        idle.close()
        stopper.join(30)

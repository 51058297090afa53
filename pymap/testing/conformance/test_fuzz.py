"""Random byte streams sent to a live server: every command gets a tagged
or untagged answer or a clean BYE, nothing is logged as an error, and the
server keeps serving new connections."""

from __future__ import annotations

import logging
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pymap.testing import ServerThread
from pymap.testing.rawclient import RawClient

_COMMANDS = [b'a1 LOGIN testuser testpass', b'a2 SELECT INBOX',
             b'a3 APPEND INBOX {5+}\r\nhello', b'a4 FETCH 1:* (FLAGS)',
             b'a5 SEARCH TEXT {3}\r\nfoo', b'a6 NOOP', b'a7 IDLE']

_chunks = st.one_of(
    st.sampled_from(_COMMANDS),
    st.binary(max_size=40),
    st.sampled_from([b'\r\n', b'{3}\r\n', b'{99999999}\r\n', b'{2+}\r\n',
                     b'~{1}\r\n', b'DONE\r\n', b'\x00', b'*\r\n']),
)


def _alive(server: ServerThread) -> None:
    client = RawClient(server.host, server.port)
    assert client.greeting.startswith(b'* OK')
    assert client.command(b'z NOOP')[-1].startswith(b'z OK')
    client.close()


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunks=st.lists(_chunks, min_size=1, max_size=12))
def test_random_input_never_breaks_the_server(
        server: ServerThread, caplog: pytest.LogCaptureFixture,
        chunks: list[bytes]) -> None:
    caplog.set_level(logging.WARNING, logger='pymap')
    sock = socket.create_connection((server.host, server.port), timeout=5)
    try:
        for chunk in chunks:
            sock.sendall(chunk + b'\r\n')
        sock.shutdown(socket.SHUT_WR)
        received = b''
        while data := sock.recv(65536):
            received += data
    except OSError:  # closed by the server, e.g. BYE after bad commands
        received = b''
    finally:
        sock.close()
    assert b'Traceback' not in received
    # The server's own failure answer; the input itself may hold the word
    # (Hypothesis draws bytes from this file's constants too).
    assert b'BYE [SERVERBUG]' not in received
    assert not [record for record in caplog.records
                if record.levelno >= logging.ERROR]
    _alive(server)

"""Blocking file I/O never stalls the event loop: other connections stay
responsive while one client appends and fetches a large message."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from .server import login, maildir_server

#: Longest NOOP round trip accepted meanwhile (generous for slow CI).
MAX_LATENCY = 0.5


def test_other_connections_stay_responsive(tmp_path: Path) -> None:
    big = b'Subject: big\r\n\r\n' + (b'x' * 76 + b'\r\n') * 400_000
    with maildir_server(tmp_path) as server:
        writer, other = login(server), login(server)
        other.command(b's SELECT INBOX')
        results: list[bytes] = []

        def work() -> None:
            results.append(writer.command(
                b'a APPEND INBOX {%d+}\r\n%s' % (len(big), big))[-1])
            writer.command(b's SELECT INBOX')
            lines = writer.command(b'f FETCH 1 (BODY[])')
            results.append(lines[-1])

        thread = threading.Thread(target=work)
        thread.start()
        latencies = []
        while thread.is_alive():
            started = time.monotonic()
            assert other.command(b'n NOOP')[-1].startswith(b'n OK')
            latencies.append(time.monotonic() - started)
        thread.join()
        writer.close()
        other.close()
    assert [line.split(b' ')[1] for line in results] == [b'OK', b'OK']
    assert len(latencies) > 3
    assert max(latencies) < MAX_LATENCY, max(latencies)

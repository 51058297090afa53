"""Real ``redis-server`` processes for the redis backend's tests: a single
server (``--save '' --appendonly yes`` in a temporary directory, on a free
port) and a three-master Redis Cluster built with ``redis-cli --cluster
create``. Each is started, waited for until it answers, and always
stopped."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pymap.backend.redis.resp import pack

from .processes import ending_with_us

__all__ = ['RedisCluster', 'RedisServer', 'free_port', 'redis_command']

#: Seconds to wait for a server to start, load or stop.
START_TIMEOUT = 20.0


#: A cluster node also listens on its port + 10000 (the cluster bus).
CLUSTER_BUS_OFFSET = 10000


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            return False
        return True


def free_port(bus: bool = False) -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago; with *bus*, so
    is the port of its cluster bus."""
    while True:
        with socket.socket() as sock:
            sock.bind(('127.0.0.1', 0))
            port: int = sock.getsockname()[1]
        bus_port = port + CLUSTER_BUS_OFFSET
        if not bus or (bus_port <= 65535 and _bindable(bus_port)):
            return port


def redis_command(port: int, *args: str, timeout: float = 2.0) -> bytes:
    """Sends one command and returns the first reply line (or the bulk
    string's content); raises :exc:`OSError` when nobody answers."""
    with socket.create_connection(('127.0.0.1', port), timeout) as sock:
        sock.sendall(pack(args))
        reply = b''
        while b'\r\n' not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError('closed')
            reply += chunk
        head, _, rest = reply.partition(b'\r\n')
        if not head.startswith(b'$') or head == b'$-1':
            return head
        size = int(head[1:])
        while len(rest) < size:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError('closed')
            rest += chunk
        return rest[:size]


class RedisServer:
    """One ``redis-server`` on 127.0.0.1.

    Args:
        binary: The ``redis-server`` program.
        directory: Its working directory (AOF and logs go there).
        options: Extra command-line options.
        cluster: The options make it a cluster node (which needs a second
            free port).
    """

    def __init__(self, binary: str, directory: Path,
                 options: Sequence[str] = (), cluster: bool = False) -> None:
        self.binary = binary
        self.directory = directory
        self.options = list(options)
        self.port = free_port(bus=cluster)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f'redis://127.0.0.1:{self.port}/0'

    def start(self) -> None:
        """Starts the server (again, on the same port and data) and waits
        until it answers PING."""
        self.directory.mkdir(parents=True, exist_ok=True)
        log = open(self.directory / 'redis.log', 'ab')  # noqa: SIM115
        with log:
            self.process = subprocess.Popen(
                ending_with_us([
                    self.binary, '--port', str(self.port),
                    '--bind', '127.0.0.1', '--save', '', '--appendonly',
                    'yes', '--dir', str(self.directory), *self.options]),
                stdout=log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f'redis-server exited; see {self.directory}/redis.log')
            with contextlib.suppress(OSError):
                if redis_command(self.port, 'PING') == b'+PONG':
                    return
            time.sleep(0.02)
        raise TimeoutError('redis-server did not start')

    def stop(self) -> None:
        """Stops the server gracefully (SIGTERM writes the AOF out)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class RedisCluster:
    """Three master nodes joined with ``redis-cli --cluster create``.

    Args:
        server: The ``redis-server`` program.
        cli: The ``redis-cli`` program.
        directory: Parent of the nodes' directories.
    """

    def __init__(self, server: str, cli: str, directory: Path) -> None:
        self.cli = cli
        self.nodes = [
            RedisServer(server, directory / f'node{index}',
                        ['--cluster-enabled', 'yes',
                         '--cluster-config-file', 'nodes.conf',
                         '--cluster-node-timeout', '15000'], cluster=True)
            for index in range(3)]

    @property
    def url(self) -> str:
        """A ``redis+cluster://`` URL naming the first node."""
        return f'redis+cluster://127.0.0.1:{self.nodes[0].port}/0'

    def start(self) -> None:
        """Starts the nodes, assigns the slots and waits for
        ``cluster_state:ok`` on every node."""
        for node in self.nodes:
            node.start()
        subprocess.run(
            [self.cli, '--cluster', 'create',
             *(f'127.0.0.1:{node.port}' for node in self.nodes),
             '--cluster-replicas', '0', '--cluster-yes'],
            check=True, capture_output=True, timeout=START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not all(self._ok(node) for node in self.nodes):
            if time.monotonic() > deadline:
                raise TimeoutError('the cluster did not become ready')
            time.sleep(0.05)

    @staticmethod
    def _ok(node: RedisServer) -> bool:
        return b'cluster_state:ok' in redis_command(node.port, 'CLUSTER',
                                                    'INFO')

    def stop(self) -> None:
        """Stops every node."""
        for node in self.nodes:
            node.stop()

    @contextlib.contextmanager
    def running(self) -> Iterator[RedisCluster]:
        """Started for the block, stopped after it, even on failure."""
        try:
            self.start()
            yield self
        finally:
            self.stop()

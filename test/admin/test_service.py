"""The admin service's socket files, in process: a private directory
(0700), a private socket (0600), the stable link to the newest server, and
their removal at shutdown."""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from argparse import Namespace
from pathlib import Path

import pytest
from grpclib.client import Channel

from pymap.admin.admin_grpc import AdminStub
from pymap.admin.admin_pb2 import PingRequest
from pymap.admin.service import AdminService
from pymap.backend.dict import DictBackend, DictUsers
from pymap.config import IMAPConfig
from pymap.interfaces.backend import Backend
from pymap.main import build_parser
from pymap.plugin import load_backends


@pytest.fixture
def tmpdir_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private ``$TMPDIR`` for the default socket location."""
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    return tmp_path


@pytest.fixture
def started() -> Backend:
    """The socket handling is the same for every backend."""
    return DictBackend(DictUsers())


def parse(*options: str) -> Namespace:
    """The server's command line, with the admin options."""
    return build_parser(load_backends()).parse_args([*options, 'dict'])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


async def ping(path: Path) -> str:
    channel = Channel(path=str(path))
    try:
        return str((await AdminStub(channel).Ping(PingRequest())).backend)
    finally:
        channel.close()


async def test_default_location(started: Backend, tmpdir_env: Path) -> None:
    service = await AdminService.start(started, IMAPConfig(), parse())
    directory = tmpdir_env / 'pymap'
    sock = directory / f'admin-{os.getpid()}.sock'
    link = directory / 'admin.sock'
    assert mode(directory) == 0o700
    assert stat.S_ISSOCK(sock.lstat().st_mode) and mode(sock) == 0o600
    assert os.readlink(link) == sock.name
    assert await ping(link) == 'dict'
    await service.close()
    assert not sock.exists() and not os.path.lexists(link)
    assert directory.is_dir()


async def test_existing_directory_is_made_private(
        started: Backend, tmpdir_env: Path) -> None:
    (tmpdir_env / 'pymap').mkdir(mode=0o755)
    service = await AdminService.start(started, IMAPConfig(), parse())
    assert mode(tmpdir_env / 'pymap') == 0o700
    await service.close()


async def test_symlinked_directory_is_refused(
        started: Backend, tmpdir_env: Path) -> None:
    elsewhere = tmpdir_env / 'elsewhere'
    elsewhere.mkdir()
    (tmpdir_env / 'pymap').symlink_to(elsewhere)
    with pytest.raises(SystemExit, match='not a directory owned by'):
        await AdminService.start(started, IMAPConfig(), parse())
    assert list(elsewhere.iterdir()) == []


async def test_dead_servers_sockets_are_swept(started: Backend,
                                              tmpdir_env: Path) -> None:
    directory = tmpdir_env / 'pymap'
    directory.mkdir()
    with socket.socket(socket.AF_UNIX) as dead, \
            socket.socket(socket.AF_UNIX) as live:
        dead.bind(str(directory / 'admin-1.sock'))
        live.bind(str(directory / 'admin-2.sock'))
        live.listen()
        service = await AdminService.start(started, IMAPConfig(), parse())
        await service.close()
    assert sorted(path.name for path in directory.iterdir()) == [
        'admin-2.sock']


async def test_link_taken_over_by_a_newer_server_stays(
        started: Backend, tmpdir_env: Path) -> None:
    service = await AdminService.start(started, IMAPConfig(), parse())
    link = tmpdir_env / 'pymap' / 'admin.sock'
    link.unlink()
    link.symlink_to('admin-1.sock')
    await service.close()
    assert os.readlink(link) == 'admin-1.sock'


async def test_explicit_path_has_no_link(started: Backend, tmp_path: Path,
                                         tmpdir_env: Path) -> None:
    path = tmp_path / 'explicit.sock'
    service = await AdminService.start(
        started, IMAPConfig(), parse('--admin-socket', str(path)))
    assert mode(path) == 0o600
    assert not (tmpdir_env / 'pymap').exists()
    assert await ping(path) == 'dict'
    await service.close()
    assert not path.exists()


async def test_stale_socket_is_replaced(started: Backend,
                                        tmp_path: Path) -> None:
    path = tmp_path / 'stale.sock'
    with socket.socket(socket.AF_UNIX) as old:
        old.bind(str(path))
    service = await AdminService.start(
        started, IMAPConfig(), parse('--admin-socket', str(path)))
    assert await ping(path) == 'dict'
    await service.close()


async def test_live_socket_is_refused(started: Backend,
                                      tmp_path: Path) -> None:
    path = tmp_path / 'live.sock'
    with socket.socket(socket.AF_UNIX) as live:
        live.bind(str(path))
        live.listen()
        with pytest.raises(SystemExit, match='another server is listening'):
            await AdminService.start(
                started, IMAPConfig(), parse('--admin-socket', str(path)))
    assert path.exists()


async def test_other_file_is_refused(started: Backend,
                                     tmp_path: Path) -> None:
    path = tmp_path / 'data.txt'
    path.write_text('keep me')
    with pytest.raises(SystemExit, match='is not a socket'):
        await AdminService.start(started, IMAPConfig(),
                                 parse('--admin-socket', str(path)))
    assert path.read_text() == 'keep me'


async def test_no_admin(started: Backend, tmpdir_env: Path) -> None:
    service = await AdminService.start(started, IMAPConfig(),
                                       parse('--no-admin'))
    assert not (tmpdir_env / 'pymap').exists()
    await service.close()


@pytest.mark.parametrize('options', [
    ('--admin-port', '9999'),
    ('--admin-port', '9999', '--admin-cert', 'c.pem', '--admin-key', 'k.pem'),
    ('--admin-host', '127.0.0.1'),
])
async def test_tcp_needs_tls_and_token(started: Backend, tmpdir_env: Path,
                                       options: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit, match='--admin-'):
        await AdminService.start(started, IMAPConfig(), parse(*options))
    assert not (tmpdir_env / 'pymap').exists()


async def test_unusable_path_is_named(started: Backend,
                                      tmp_path: Path) -> None:
    path = tmp_path / 'missing' / 'admin.sock'
    with pytest.raises(SystemExit, match=str(path)):
        await AdminService.start(started, IMAPConfig(),
                                 parse('--admin-socket', str(path)))

"""``pymap redis [URL]`` and its options (issue item 2)."""

from __future__ import annotations

import imaplib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from pymap.backend.redis import RedisBackend, RedisSettings
from pymap.backend.redis.records import LoginSettings
from pymap.main import build_parser

from ...redis_server import RedisServer, redis_command
from .test_two_processes import start_pymap


def settings(*argv: str) -> RedisSettings:
    parser = build_parser({'redis': RedisBackend})
    return RedisSettings.from_args(parser.parse_args(['redis', *argv]))


def test_defaults() -> None:
    parsed = settings()
    assert parsed.connection.url == 'redis://localhost:6379/0'
    assert not parsed.connection.cluster
    assert parsed.prefix == ''
    assert parsed.login == LoginSettings()


def test_cluster_by_flag_or_scheme() -> None:
    assert settings('redis://h:7000/0', '--cluster').connection.cluster
    by_url = settings('redis+cluster://h:7000/0').connection
    assert (by_url.url, by_url.cluster) == ('redis://h:7000/0', True)
    tls = settings('rediss+cluster://h:7000').connection
    assert (tls.url, tls.cluster) == ('rediss://h:7000', True)


def test_login_options() -> None:
    assert settings('--users-hash', 'logins', '--users-json').login == \
        LoginSettings(users_hash='logins', users_json=True)
    assert settings('--users-key', 'users:{name}', '--prefix', 'mail/') \
        .login.users_key == 'users:{name}'


@pytest.mark.parametrize('argv', [
    ['--prefix', 'a{b}'],
    ['--users-key', 'users:name'],
    ['--users-key', '{name}{name}'],
    ['--users-key', '{john}:{name}'],
    ['--users-hash', '{john}:mailboxes'],
    ['--users-hash', 'h', '--users-key', 'k:{name}'],
])
def test_bad_options(argv: list[str],
                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        settings(*argv)
    assert 'error' in capsys.readouterr().err


def test_help_lists_the_options() -> None:
    result = subprocess.run([sys.executable, '-m', 'pymap', 'redis',
                             '--help'], capture_output=True, text=True,
                            check=True, timeout=30)
    for option in ('--prefix', '--cluster', '--users-hash', '--users-key',
                   '--users-json', 'url'):
        assert option in result.stdout


def test_served_with_hash_json_logins(redis_server: RedisServer,
                                      tmp_path: Path) -> None:
    prefix = f'cli-{uuid.uuid4().hex}/'
    redis_command(redis_server.port, 'HSET', prefix + 'logins', 'john',
                  json.dumps({'password': 's3cretp4ssword'}))
    process, port = start_pymap(
        redis_server, prefix, tmp_path,
        ['--users-hash', 'logins', '--users-json'])
    try:
        client = imaplib.IMAP4('127.0.0.1', port, timeout=10)
        assert client.login('john', 's3cretp4ssword')[0] == 'OK'
        assert client.select('INBOX')[0] == 'OK'
        client.logout()
    finally:
        process.terminate()
        process.wait(10)

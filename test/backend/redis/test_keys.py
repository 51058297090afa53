"""The key layout (pymap/backend/redis/keys.py, doc/redis.md): one hash tag
per user, reversible escaping, and reserved deployment-wide keys."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pymap.backend.redis.keys import GlobalKeys, escape_name, validate_prefix

_TAG = re.compile(r'\{([^}]*)\}')


def hash_tag(key: str) -> str:
    """What Redis Cluster hashes: the first non-empty {...} section."""
    match = _TAG.search(key)
    assert match is not None and match.group(1), key
    return match.group(1)


def test_layout_of_one_user() -> None:
    user = GlobalKeys('p/').user('john')
    mailbox = user.mailbox('0a1b')
    assert user.mailboxes == 'p/{john}:mailboxes'
    assert user.content('ab' * 32) == 'p/{john}:content:' + 'ab' * 32
    assert mailbox.meta == 'p/{john}:mbx:0a1b:meta'
    assert mailbox.all == ['p/{john}:mbx:0a1b:meta', 'p/{john}:mbx:0a1b:flags',
                           'p/{john}:mbx:0a1b:msgs', 'p/{john}:mbx:0a1b:log']


@given(st.text(min_size=1))
def test_every_key_of_a_user_shares_its_tag(name: str) -> None:
    user = GlobalKeys('prefix:').user(name)
    mailbox = user.mailbox('1')
    keys = [user.mailboxes, user.subscriptions, user.uidvalidity, user.refs,
            user.trash, user.content('0' * 64), *mailbox.all]
    assert {hash_tag(key) for key in keys} == {escape_name(name)}


@given(st.text(), st.text())
def test_escaping_is_injective(first: str, second: str) -> None:
    if first != second:
        assert escape_name(first) != escape_name(second)
    assert '{' not in escape_name(first) and '}' not in escape_name(first)


def test_shared_keys_use_a_tag_no_user_can_have() -> None:
    keys = GlobalKeys('')
    assert hash_tag(keys.purge) == hash_tag(keys.channel) == '%pymap'
    assert escape_name('%pymap') != '%pymap'
    assert keys.user('%pymap').base == '{%25pymap}:'


@pytest.mark.parametrize('prefix', ['a{b', 'c}', '{x}'])
def test_prefix_may_not_change_the_tag(prefix: str) -> None:
    with pytest.raises(ValueError):
        validate_prefix(prefix)
    assert validate_prefix('tenant-1/') == 'tenant-1/'


def test_staged_keys_differ_within_and_across_processes() -> None:
    """A staged key is unique without a random draw each: the process's
    prefix and a counter. A forked child draws a prefix of its own, so a
    parent and child counting from the same point never meet."""
    script = '''
import os
from pymap.backend.redis.keys import GlobalKeys
user = GlobalKeys('').user('john')
before = [user.new_staged() for _ in range(3)]
reader, writer = os.pipe()
child = os.fork()
if child == 0:
    os.write(writer, user.new_staged().encode())
    os._exit(0)
os.waitpid(child, 0)
print(*before, user.new_staged(), os.read(reader, 200).decode())
'''
    result = subprocess.run([sys.executable, '-c', script], check=True,
                            capture_output=True, text=True)
    keys = result.stdout.split()
    assert len(keys) == 5 and len(set(keys)) == 5
    assert all(key.startswith('{john}:staged:') for key in keys)
    prefixes = [key.rpartition('.')[0] for key in keys]
    assert len(set(prefixes[:4])) == 1 and prefixes[4] != prefixes[0]
    assert keys[3].endswith('.3') and keys[4].endswith('.3')

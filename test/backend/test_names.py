"""Mailbox names and LIST pattern matching."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pymap.backend.names import match_pattern


def reference_match(pattern: str, name: str) -> bool:
    """The plain regular expression translation of a LIST pattern, which
    backtracks exponentially on some patterns but is fine for short
    ones."""
    parts = ['.*' if char == '*' else '[^/]*' if char == '%'
             else re.escape(char) for char in pattern]
    if pattern[:5].upper() == 'INBOX':
        parts[:5] = ['(?i:INBOX)']
    return re.fullmatch(''.join(parts), name, re.DOTALL) is not None


_prefixes = st.sampled_from(['', 'INBOX', 'inbox', 'InBoX', '\u0131nbox'])
_patterns = st.builds(
    str.__add__, _prefixes, st.text('ab/*%', max_size=10))
_names = st.builds(
    str.__add__, st.sampled_from(['', 'INBOX', 'inbox', '\u0130nbox', 'INBO']),
    st.text('ab/', max_size=10))


@given(_patterns, _names)
@example('%/%', 'a/b')
@example('%/%', 'a/b/a')
@example('*a%a*', 'ba/ab')
@example('INBOX%*%', 'inbox/a')
@example('INBOX%a%/', '\u0130nboxaa/')
@example('inbox*%*', 'INBO')
def test_matches_as_the_regular_expression_does(
        pattern: str, name: str) -> None:
    assert match_pattern(pattern, name) == reference_match(pattern, name)


@pytest.mark.parametrize('pattern, name, matches', [
    ('*', 'a/b', True),
    ('%', 'a/b', False),
    ('%', 'a', True),
    ('a/%', 'a/b', True),
    ('a/%', 'a/b/c', False),
    ('a/*', 'a/b/c', True),
    ('%/%', 'a/b', True),
    ('%/%', 'a/b/c', False),
    ('*/%', 'a/b/c', True),
    ('%a%a%', 'bab/aa', False),
    ('%a%a%', 'baba', True),
    ('*a%a*', 'ba/ab', False),
    ('inbox', 'INBOX', True),
    ('INBOX/%', 'inbox/x', True),
    ('INBOX/%', 'INBOX/x/y', False),
    ('Inbox%*%', 'INBOX', True),
    ('Inbox%*%', 'INBO', False),
    ('Inbox%*%/b', 'inBox/a/b', True),
    ('Inbox%*%/b', 'inBox/a/B', False),
    ('a%a', 'A/a', False),
    ('a*b', 'a\nb', True),
])
def test_matches(pattern: str, name: str, matches: bool) -> None:
    assert match_pattern(pattern, name) is matches


_NAME = 'abcdefghijklmnopqrstuvwxyz0123'


@pytest.mark.parametrize('pattern, name, matches', [
    ('%*%*%*%*%*%*%*x', _NAME, False),
    ('%*%*%*%*%*%*%*x', _NAME + 'x', True),
    ('%*' * 500 + 'x', _NAME * 33, False),
    ('*a' * 50 + '*b', 'a' * 1000, False),
    ('*a' * 50 + '*b', 'a' * 999 + 'b', True),
    ('%a' * 50 + '%b', 'a' * 1000, False),
    ('%a' * 50 + '%b', 'a' * 999 + 'b', True),
    ('%a' * 50 + '%b', 'a' * 500 + '/' + 'a' * 498 + 'b', False),
    ('*a' * 50 + '%b', 'a' * 500 + '/' + 'a' * 498 + 'b', True),
    ('INBOX' + '*a%' * 50 + 'b', 'inbox' + 'a' * 994 + 'b', True),
    ('*a' * 4000 + '*b', 'a' * 1000, False),
])
def test_backtracking_patterns_match_in_time(
        pattern: str, name: str, matches: bool) -> None:
    """Patterns the plain regular expression backtracks on for minutes
    (the first two, the server-freezing LIST) to far longer than the
    universe's age on these names. Not timed: a regression hangs."""
    assert match_pattern(pattern, name) is matches

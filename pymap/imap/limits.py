"""Per-client limits: open connections, and failed logins in a sliding
window. Counted by the client address the connection reports (the PROXY
protocol header's, when there is one)."""

from __future__ import annotations

import time
from collections import Counter, deque

__all__ = ['ConnectionLimiter', 'LoginThrottle']


class ConnectionLimiter:
    """Counts open connections, in all and per client address."""

    def __init__(self, total: int, per_address: int) -> None:
        self.total = total
        self.per_address = per_address
        self._open: Counter[str] = Counter()
        self._count = 0

    def acquire(self, address: str) -> str | None:
        """Counts a new connection; returns why it must be refused, or
        ``None`` when it may proceed."""
        if self._count >= self.total:
            return 'Too many connections.'
        if self._open[address] >= self.per_address:
            return 'Too many connections from your address.'
        self._open[address] += 1
        self._count += 1
        return None

    def release(self, address: str) -> None:
        """Forgets a closed connection."""
        self._count -= 1
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]


class LoginThrottle:
    """Failed logins per client address within a time window."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.setdefault(address, deque())
        cutoff = time.monotonic() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        if not failures:
            del self._failures[address]
        return failures

    def blocked(self, address: str) -> bool:
        """Whether the address has used up its failed attempts."""
        return len(self._recent(address)) >= self.limit

    def failed(self, address: str) -> None:
        """Records a failed login."""
        self._recent(address)
        self._failures.setdefault(address, deque()).append(time.monotonic())

"""Cross-process change notification (doc/redis.md, "Notifications").

Every script that changes a mailbox publishes ``<namespace> <modseq>`` on
one channel in the same atomic step (``<namespace> recent:<mark>`` when a
session claims \\Recent messages, ``<namespace> deleted`` when the mailbox
goes, ``<user base> names`` when a user's mailbox names move). Each
process keeps ONE subscription, on its own connection, tells its snapshot
cache (:mod:`.snapshotcache`) and name cache (:mod:`.namecache`), and
wakes the local sessions waiting on that mailbox: pushed, never polled.
A script publishes nothing when the only listener is its caller's, which
learns of the change from the script's answer (:attr:`Notifier.route`).
Messages published while the listener is disconnected are lost, so every
(re)subscription wakes every waiter, which then compares MODSEQ itself,
and neither cache trusts what was read before it; no change can be
missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from typing import Any

from redis.exceptions import ConnectionError

from ..idle import ChangeSignal
from .connection import (
    ConnectionSettings,
    RedisClient,
    is_cluster,
    node_addresses,
)
from .errors import UNAVAILABLE
from .namecache import NAMES, NameCache
from .snapshotcache import SnapshotCache

__all__ = ['Notifier']

_log = logging.getLogger(__name__)

#: Reconnection back-off bounds, in seconds.
_MIN_DELAY = 0.05
_MAX_DELAY = 1.0
#: Seconds of quiet after which the subscription is checked with PING
#: (a connection that died without a word is found by the reply's
#: timeout).
_PING_INTERVAL = 5.0
#: The type of a published message on a subscribed connection (RESP2).
_MESSAGE = b'message'
#: Seconds :meth:`Notifier.close` waits for the listener to stop.
_CLOSE_TIMEOUT = 2.0
#: Own changes whose announcements are awaited at most. An announcement
#: that overtook its change's answer, or one never made (the process was
#: the only listener, see Notifier.route), leaves its entry until the
#: mailbox changes again; forgetting them all only costs a second wake-up.
_MAX_WOKEN = 1024


class Notifier:
    """The process's pub/sub listener and its local waiters.

    Args:
        settings: How to reach Redis.
        client: The process's client (for cluster node addresses).
        channel: The channel the scripts publish on.
        snapshots: The process's snapshot cache, told what is heard.
        names: The process's cache of mailbox ids, told likewise.
    """

    def __init__(self, settings: ConnectionSettings, client: RedisClient,
                 channel: str, snapshots: SnapshotCache,
                 names: NameCache) -> None:
        self._dialer = settings.dialer()
        self._client = client
        self._channel = channel
        # Names the listener's channel of its own, which nothing publishes
        # on (see route); none in a cluster. Both are made once: every
        # change script takes the route.
        token = None if is_cluster(client) else secrets.token_hex(8)
        self._route = channel if token is None else f'{channel} {token}'
        self._own = None if token is None else f'{channel}:{token}'
        self._snapshots = snapshots
        self._names = names
        #: Per mailbox, how many waiters attend it (see attend).
        self._attending: dict[str, int] = {}
        #: Per mailbox, the signal its next change sets (one for all its
        #: waiters; dropped when the last of them leaves).
        self._signals: dict[str, ChangeSignal] = {}
        #: Per mailbox, the MODSEQ of this process's latest change, whose
        #: waiters it woke already: its announcement need not wake them.
        self._woken: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._delay = _MIN_DELAY
        self._live = asyncio.Event()

    @property
    def route(self) -> str:
        """Where the scripts of this process announce their changes: the
        channel, and after a space the hex token that names the
        listener's own channel, ``<channel>:<token>``.

        The listener subscribes to the channel first and to its own
        channel after it, on one connection, and unsubscribes from neither
        before that connection closes: whenever its own channel has a
        subscriber, the channel has that one too. So a script that finds
        one subscriber on each (``_lib.lua`` ``announce``) knows the only
        listener is its caller's, which learns of the change from the
        script's answer, and publishes nothing: a process working alone
        is spared hearing every change it makes a second time. Subscriber
        counts are per node in a Redis Cluster, where classic pub/sub
        reaches every node: there the route is the channel alone, and
        every change is announced."""
        return self._route

    @property
    def connected(self) -> bool:
        """Whether the subscription is live right now."""
        return self._live.is_set()

    async def subscribed(self, timeout: float) -> bool:
        """Whether the subscription is live, waiting up to *timeout*
        seconds for it to be (for health checks right after a start)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._live.wait()
        return self.connected

    def start(self) -> None:
        """Starts listening in the background; it reconnects by itself."""
        self._task = asyncio.create_task(self._run(), name='redis-notify')

    async def close(self) -> None:
        """Stops listening (bounded: a stuck socket cannot hold up a
        shutdown)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait({task}, timeout=_CLOSE_TIMEOUT)
        self._live.clear()

    def attend(self, namespace: str) -> None:
        """A waiter on the mailbox *namespace* begins; it calls
        :meth:`leave` when it is done. The mailbox's signal is kept while
        any waiter attends, so that it is the same for all of them."""
        attending = self._attending
        attending[namespace] = attending.get(namespace, 0) + 1

    def leave(self, namespace: str) -> None:
        """A waiter that called :meth:`attend` is done: the signal goes
        with the last of them."""
        attending = self._attending
        left = attending[namespace] - 1
        if left:
            attending[namespace] = left
        else:
            del attending[namespace]
            self._signals.pop(namespace, None)

    def watch(self, namespace: str) -> ChangeSignal:
        """The signal the next change to the mailbox *namespace* sets, the
        same for every waiter attending it (see :meth:`attend`): take it
        before reading the MODSEQ to compare, and a new one once it was
        set."""
        signal = self._signals.get(namespace)
        if signal is None:
            signal = self._signals[namespace] = ChangeSignal()
        return signal

    def wake(self, namespace: str) -> None:
        """Wakes this process's waiters on *namespace*."""
        signal = self._signals.pop(namespace, None)
        if signal is not None:
            signal.set()

    def changed_here(self, namespace: str, modseq: int) -> None:
        """Wakes the waiters on *namespace* right after this process's own
        change reached *modseq* (its snapshot is cached already), ahead of
        its announcement, which then wakes them no second time."""
        if self.connected and namespace in self._signals:
            if len(self._woken) >= _MAX_WOKEN:  # echoes lost or overtaken
                self._woken.clear()
            self._woken[namespace] = max(modseq,
                                         self._woken.get(namespace, modseq))
        self.wake(namespace)

    def _woke_already(self, namespace: str, what: str) -> bool:
        """Whether the announcement of *what* (a MODSEQ) is of a change
        this process made and woke its waiters for, or of one before it
        (the waiters saw the state after both)."""
        woken = self._woken.get(namespace)
        if woken is None or not what.isdecimal():
            return False
        modseq = int(what)
        if modseq >= woken:
            del self._woken[namespace]
        return modseq <= woken

    def _wake_all(self) -> None:
        self._woken.clear()
        signals = list(self._signals.values())
        self._signals.clear()
        for signal in signals:
            signal.set()

    async def _run(self) -> None:
        while self._task is not None:
            for address in [*node_addresses(self._client), None]:
                try:
                    await self._listen(address)
                except UNAVAILABLE as exc:
                    if self.connected:
                        _log.warning('notifications interrupted: %s', exc)
                finally:
                    self._live.clear()
                    self._snapshots.unsubscribed()
                    self._names.unsubscribed()
                await asyncio.sleep(self._delay)
                self._delay = min(self._delay * 2, _MAX_DELAY)

    async def _listen(self, address: tuple[str, int] | None) -> None:
        wire = await self._dialer.open(address, self._pushed)
        try:
            # One by one, in this order: see route.
            for channel in (self._channel, self._own):
                if channel is not None:
                    await wire.call('SUBSCRIBE', channel)
            self._subscribed()
            while True:
                done, _ = await asyncio.wait({wire.lost},
                                             timeout=_PING_INTERVAL)
                if done:
                    raise wire.failure or ConnectionError()
                await wire.call('PING')
        finally:
            wire.close()

    def _subscribed(self) -> None:
        self._live.set()
        self._snapshots.subscribed()
        self._names.subscribed()
        self._delay = _MIN_DELAY
        self._wake_all()

    def _pushed(self, reply: Any) -> bool:
        """Takes a published message; other replies answer commands.

        An announcement heard while a reading of its mailbox is under way
        here is acted on once the reading is done: a change of this
        process's own is often announced before its script's answer
        arrives, and waiters woken then would find the cached snapshot
        behind and each read the state from Redis, rather than wait for
        the answer already on its way. A mailbox that no one here waits
        on needs only the cache's note: a waiter that comes later reads
        a state that note distrusts."""
        if type(reply) is not list or reply[0] != _MESSAGE:
            return False
        namespace, _, what = reply[2].decode('utf-8', 'replace') \
            .rpartition(' ')
        if what == NAMES:
            self._names.changed(namespace)
        elif self._snapshots.announced(namespace, what) \
                and namespace in self._signals \
                and not self._snapshots.after_readings(
                    namespace, lambda: self._heard(namespace, what)):
            self._heard(namespace, what)
        return True

    def _heard(self, namespace: str, what: str) -> None:
        """Wakes the waiters on a changed mailbox, unless this process
        woke them for the change already."""
        if not self._woke_already(namespace, what):
            self.wake(namespace)

"""The clock: one value in Redis, so every worker and instance agrees on "now".

The value is the offset from system time (``120``), or, for a clock frozen until moved, the instant it stands
at (``frozen:1893488400``): see ``clock_state.ClockState``. Both live in one key, so every change is one
script and one message, and a worker can never hold a frozen flag from one change and an offset from another.

Every request needs "now", so reading the clock from Redis each time cost a round trip per request. Each
process instead keeps the value it read and listens on a pub/sub channel; every change is made by a script
that sets the value *and* publishes it. A request first drains its process's subscription without waiting
(a poll of a socket already buffered by the kernel: no round trip), so it never sees an offset older than a
change that was answered before it arrived, provided the message was in its socket by then.

That takes one more round trip from the changer: Redis writes the script's reply *before* the subscribers'
messages (in one pass, the client given output last is written first), so the changer could be answered,
and answer its own client, while a message was still unwritten; about one change in a hundred was missed that
way on one Redis, one in ten on a cluster. Redis reads a new command only after that pass, so once the
changer's next command (:meth:`ClockRepo.delivered`, to the node holding the channel's slot) is answered,
every local subscriber's message is in its socket. On a cluster that node is also the one every process
subscribes on (the channel and the offset share the ``{clock}`` slot).

If the subscription breaks, the cache is dropped and the next read goes back to Redis.

The channel is the database's own (``keys.clock_channel``): Redis pub/sub ignores the database number, so
servers on two databases of one Redis would otherwise each take the other's clock.

Draining through redis-py (``get_message``) costs a few dozen microseconds even when nothing came: it was 3 %
of a worker under ``sls bench``. So a request first asks the kernel, with a zero-timeout ``poll`` of the
subscription's socket, whether anything came at all, and drains only then. That is exact: the drain runs
until redis-py has no whole message left in its reader, so anything unread since is in the socket (a message
cut in two leaves its rest there too), and a broken connection polls readable. A TLS socket can hold
decrypted bytes the kernel does not see, so over ``rediss://`` every request drains. Each thread polls with
a poll object of its own and takes the process's lock only to drain (``_OffsetCache._unchanged`` says why
that is still exact): held across every poll, the lock had a busy worker's threads queue on each other.

On a Cluster the guarantee above holds only while each process listens on the node that serves the
channel's slot. After a failover the old master lives on as a replica, its subscribers still connected and
still hearing every message, but late (relayed over the cluster bus), so a read just after a move could miss
it. Every :data:`RECHECK_S` seconds a process therefore asks its subscription's node a question only the
slot's master answers (``EXISTS`` of the offset's key: any other node redirects it); a redirect drops the
subscription, refreshes the client's slot map and subscribes again, on the new master. One round trip per
process every few seconds, on a Cluster only.

Change the clock only through this repository (the admin API): a value written behind its back is not
heard until the process restarts or its subscription breaks.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import ssl
import threading
import time

import redis
from redis.client import PubSub
from redis.cluster import RedisCluster

from . import keys
from .base import Scripts, guarded
from .clock_state import ClockState
from .connection import Client, database, socket_timeout

log = logging.getLogger(__name__)

#: "No bound" for an unbounded move, well inside the doubles Lua computes with.
UNBOUNDED = 2**52
#: Seconds between checks that a Cluster subscription is still on the channel's master.
RECHECK_S = 2.0


def _heard(data: object) -> ClockState | None:
    """The clock a message on the channel tells; None (read the key, as after a broken subscription) for one
    that tells none. Only the clock's scripts should publish there, but the channel is anyone's who can reach
    the Redis: a message that raised here answered every request of the process 500 until they ran out."""
    try:
        return ClockState.parse(data)
    except ValueError:
        size = len(data) if isinstance(data, (str, bytes)) else 0
        log.warning(
            "clock channel: a message of %d characters that is no clock; the clock is read from Redis", size
        )
        return None


class _OffsetCache:
    """The clock this process last read or heard, and the subscription that keeps it true."""

    def __init__(self, client: Client, channel: str) -> None:
        self._client = client
        self._channel = channel
        self._lock = threading.Lock()
        self._pubsub: PubSub | None = None
        self._offset: ClockState | None = None
        self._reconnected = False
        self._checked_at = time.monotonic()
        # once: redis-py's cluster class derives from a Protocol, and an isinstance against it costs
        # microseconds every time it fails, which was every request on one Redis
        self._on_cluster = isinstance(client, RedisCluster)
        self._draining = False
        self._polls = threading.local()  # each thread's poll object: one cannot be polled by two at once

    def get(self) -> ClockState:
        quiet = self._unchanged()
        if quiet is not None:
            return quiet
        with self._lock:
            try:
                self._listen()
            except redis.exceptions.TimeoutError:
                # Redis (or, through Sentinel, every Sentinel) did not answer within the timeout: reading the
                # offset now would wait as long again, and a request's budget is one wait
                # (``connection.connect``)
                self._drop()
                raise
            except redis.exceptions.RedisError:
                # the subscription broke (Redis restarted, a proxy cut it): messages may have been missed,
                # so forget the cache and read Redis now; the next request subscribes again
                self._drop()
            if self._offset is None:
                offset = ClockState.parse(self._client.get(keys.CLOCK_OFFSET))
                if self._pubsub is None:
                    return offset  # not listening: do not keep what no message would correct
                self._offset = offset
            return self._offset

    def _unchanged(self) -> ClockState | None:
        """The clock kept, read without the lock when nothing can have changed it; None: take the lock.

        The lock is for draining the subscription, which one thread at a time may do. Held across the poll
        (a system call, which lets the other threads run and queue on the lock), it made every request of a
        busy worker wait for the others' polls. Here a thread polls on its own: the kept clock is current if
        the socket holds nothing and no other thread is draining it, in that order (a drain marks itself
        before it reads the socket, and replaces the kept value before it unmarks), and the value read
        before the poll is still the one kept after (a drain, a reconnection or ``forget`` in between
        replaces it). On a Cluster the locked way always runs: it also checks where the channel lives."""
        offset, pubsub = self._offset, self._pubsub
        if offset is None or pubsub is None or self._reconnected or self._on_cluster:
            return None
        if self._may_have_news(pubsub) or self._draining or self._offset is not offset:
            return None
        return offset

    def forget(self) -> None:
        """The next read goes to Redis (after a reset deleted the offset along with everything else)."""
        with self._lock:
            self._offset = None

    def _listen(self) -> None:
        if self._pubsub is None:
            # subscribed (confirmed) before reading, so a change between the two is heard, not missed
            pubsub = self._client.pubsub()  # type: ignore[no-untyped-call, unused-ignore]  # typed in redis 8.2
            pubsub.subscribe(self._channel)
            while (confirmed := pubsub.get_message(timeout=self._client_timeout())) is None or confirmed.get(
                "type"
            ) != "subscribe":
                if confirmed is None:
                    raise redis.exceptions.TimeoutError("no confirmation of the clock subscription")
            # redis-py reconnects a broken subscription by itself, and messages sent in the gap are lost:
            # hear of every reconnection, so the offset is read again after one
            connection = pubsub.connection  # opened by the subscribe above
            if connection is None:
                raise redis.exceptions.ConnectionError("the clock subscription has no connection")
            connection.register_connect_callback(self._on_reconnect)
            self._pubsub, self._offset, self._reconnected = pubsub, None, False
            self._checked_at = time.monotonic()
        elif self._on_cluster and time.monotonic() - self._checked_at >= RECHECK_S:
            self._checked_at = time.monotonic()
            if not self._on_the_channels_master():
                self._drop()
                assert isinstance(self._client, RedisCluster)  # it is (_on_cluster): for the type checker
                self._client.nodes_manager.initialize()
                self._listen()
                return
        if not self._reconnected and not self._may_have_news(self._pubsub):
            return
        self._draining = True  # before the first read of the socket: see _unchanged
        try:
            while (message := self._pubsub.get_message(timeout=0)) is not None:
                if message.get("type") == "message":
                    self._offset = _heard(message["data"])
            if self._reconnected:
                self._offset, self._reconnected = None, False
        finally:
            self._draining = False

    def _may_have_news(self, pubsub: PubSub) -> bool:
        """Whether the subscription's socket has bytes (or an error) to read; see the module's docstring."""
        sock = getattr(pubsub.connection, "_sock", None)
        if not isinstance(sock, socket.socket) or isinstance(sock, ssl.SSLSocket):
            return True  # not connected (redis-py reconnects in the drain), or TLS: let redis-py look
        polls = self._polls
        if getattr(polls, "sock", None) is not sock:
            polls.poller = select.poll()
            polls.poller.register(sock, select.POLLIN)
            polls.sock = sock
        return bool(polls.poller.poll(0))

    def _on_the_channels_master(self) -> bool:
        """Whether the node this process listens on still serves the channel's slot (see the docstring)."""
        assert isinstance(self._client, RedisCluster) and self._pubsub is not None
        node = getattr(self._pubsub, "node", None)
        if node is None:
            return True
        try:
            self._client.get_redis_connection(node).exists(keys.CLOCK_OFFSET)
        except redis.exceptions.ResponseError as exc:
            if isinstance(exc, redis.exceptions.AskError) or str(exc).startswith(("MOVED", "ASK")):
                return False  # redirected (MovedError is an AskError): another node serves the slot now
            raise
        return True

    def _on_reconnect(self, connection: object) -> None:
        self._reconnected = True

    def _client_timeout(self) -> float:
        return socket_timeout(self._client)

    def _drop(self) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(redis.exceptions.RedisError):  # closing a dead connection
                self._pubsub.close()
        self._pubsub, self._offset = None, None


@guarded
class ClockRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts
        #: This database's channel (pub/sub ignores the database number: ``keys.clock_channel``).
        self._channel = keys.clock_channel(database(client))
        self._cache = _OffsetCache(client, self._channel)

    def state(self) -> ClockState:
        """The clock, from this process's cache (no round trip once warm)."""
        return self._cache.get()

    def offset(self) -> int:
        """Seconds ahead of system time now (from the cache, like :meth:`state`)."""
        return self._cache.get().offset_at(int(time.time()))

    def set_offset(self, seconds: int) -> int:
        """Make "now" system time + ``seconds`` (a frozen clock stays frozen, there); ``seconds``."""
        system_now = int(time.time())
        self.set_at(system_now + seconds, system_now=system_now)
        return seconds

    def set_at(self, at: int, *, system_now: int, freeze: bool = False) -> ClockState:
        """Make "now" ``at``: a running clock runs on from there, a frozen one stands there; with ``freeze``,
        it stands there either way (one step: no reader sees it run from ``at`` first)."""
        mode = "freeze" if freeze else "keep"
        return self._change([at - system_now, self._channel, system_now, mode])[0]

    def reset(self, *, system_now: int) -> ClockState:
        """Back to system time, running (a frozen clock thaws), from any state, in one script; the clock as it
        was just before, read in that same step, so what the reset undid (a thaw too, or not) is exact even
        when another change races it."""
        return self._change([0, self._channel, system_now, "run"])[1]

    def advance_within(self, seconds: int, *, system_now: int, lo: int, hi: int) -> tuple[bool, ClockState]:
        """Move by ``seconds`` unless the new "now" (at ``system_now``) leaves ``[lo, hi]``; atomically.

        ``(moved, clock)``: the clock after the move, or the unchanged one when the move was refused.
        """
        moved, value = self._scripts(
            "clock_advance_bounded",
            [keys.CLOCK_OFFSET],
            [system_now, seconds, lo, hi, self._channel],
        )
        if moved:
            self.delivered()
        return bool(moved), ClockState.parse(value)

    def freeze(self, frozen: bool, *, system_now: int, lo: int, hi: int) -> ClockState:
        """Stop the clock where it stands (``True``: only a move changes "now" from then on), or let it run
        on from there (``False``); the clock as it is afterwards. Already so: nothing is written. Where it
        stands is held within ``[lo, hi]``, as :class:`~sls_server.clock.Clock` shows it to every reader."""
        changed, value = self._scripts(
            "clock_freeze",
            [keys.CLOCK_OFFSET],
            ["1" if frozen else "0", system_now, self._channel, lo, hi],
        )
        if changed:
            self.delivered()
        return ClockState.parse(value)

    def announce_reset(self) -> None:
        """The clock's key went with a reset: every process reads it again (it is gone: running, offset 0)."""
        self._r.publish(self._channel, 0)  # routed by the channel's slot: the subscribers' node
        self.delivered()
        self._cache.forget()

    def _change(self, args: list[str | int]) -> tuple[ClockState, ClockState]:
        """``clock_set``: the clock written, and the one it replaced."""
        written, before = self._scripts("clock_set", [keys.CLOCK_OFFSET], args)
        self.delivered()
        return ClockState.parse(written), ClockState.parse(before)

    def delivered(self) -> None:
        """Return once the message just published is in every local subscriber's socket: any command
        answered after it proves Redis finished the pass that wrote it (see the module's docstring). This
        one goes to the node holding the ``{clock}`` slot, where the message was published."""
        self._r.exists(keys.CLOCK_OFFSET)

"""Several commands in one round trip per Redis server they go to, their answers in the order given.

On one Redis (plain, or the master Sentinel names) that is one pipeline: the commands packed and written
on one connection, then the answers read (a :class:`_Flight`), with redis-py's parsing and reply callbacks
but not its ``Pipeline`` object, which costs about 18 µs more CPU per batch of four and 5 µs per single
command (``sls_bench/batch_cost.py``), on each of the flow's eleven round trips. The commands are packed
by hiredis, as redis-py packs them when hiredis is there (it always is: a dependency), without the
generator and the buffer splitting redis-py puts around it. The connection is the thread's own
(``pool.LeanPool.own_connection``), not one handed out by the pool each time; through Sentinel it is the
pool's. A refused connection is tried again (``base.connect``'s ``Retry``), and one Redis closed while it
sat idle is opened again before the batch goes out; a connection lost once the batch is on its way fails it
and sends nothing again (redis-py's own pipeline would, counting a wrong password twice). On a Redis
Cluster it is one such pipeline per master that holds the commands' slots, each on the thread's own
connection to that master, all of them written before any answer is read: a batch that reaches three
masters waits about as long as one that reaches one. Not redis-py's cluster pipeline, which gets two things
wrong for this store:

- after a connection error or a timeout it sends the commands again, one by one, when Redis may already
  have run them: a lockout reservation counted twice, an audit event written twice;
- a script a failed-over master never loaded answers NOSCRIPT, and the cluster pipeline has no way to load
  it again.

Here a timeout sends nothing again, as on one Redis (``base.connect``), and the rest is sent again only
where Redis says it did not run it:

- an answer that says the slot is elsewhere (``MOVED``, ``ASK``, ``TRYAGAIN``: a failover or a slot being
  moved) sends that command again through the cluster client, which follows the redirect and reads the slot
  map again;
- ``NOSCRIPT`` is an answer like any other, for the caller (``writebehind.resolved``: sent again alone,
  which loads the script);
- a master that does not answer fails the whole batch (the request's 503) and sends nothing again; the
  cluster client reads its slot map again first, so the next request finds a replica promoted meanwhile;
- a connection refused sent nothing: every master's connection is opened before anything is written, and a
  refusal reads the slot map again and tries the batch again (a replica promoted the client had not heard of).

A script or command the store sends alone goes this way too, as a batch of one (``writebehind.Queued``):
redis-py's cluster client sends a command again after a lost connection, as its pipeline does.

The pipelines are not transactions: each command is atomic (one command or one Lua script on one slot),
nothing more, on one Redis as on a Cluster.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import hiredis
import redis

from .faults import error_code

if TYPE_CHECKING:
    from .writebehind import Queued

log = logging.getLogger(__name__)

#: Answers meaning "not run here, the slot lives elsewhere": safe to send again where it lives.
REDIRECTED = (redis.exceptions.AskError, redis.exceptions.TryAgainError)  # MovedError is an AskError

#: What a master that does not answer raises in the middle of a batch.
UNANSWERED = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def send_all(client: Any, commands: Sequence[Queued]) -> list[Any]:
    """Send ``commands``, one round trip per server they go to; their answers in order, Redis's error
    replies as values (the caller judges its own). A server that does not answer raises."""
    if isinstance(client, redis.Redis):
        return _pipeline(client, commands)
    return _per_master(client, commands)


def _pipeline(client: redis.Redis, commands: Sequence[Queued]) -> list[Any]:
    """One server's batch as a :class:`_Flight`, sent once. A connection Redis closed while it sat idle is
    opened again before anything goes out on it (``take(reopen=True)``), and a refused connection is tried
    again by the connect itself (the client's ``Retry``: see ``base.connect``); once the batch is on its way,
    a lost connection fails it, as on a Cluster: Redis may have run it, and sent again a wrong password was
    counted twice."""
    flight = _Flight(client, list(commands))
    try:
        flight.take(reopen=True)
        return flight.round_trip()
    finally:
        flight.land()


def _per_master(cluster: Any, commands: Sequence[Queued]) -> list[Any]:
    """Each master's share on the thread's own connection to it. Every connection is open before anything is
    written: a connection refused (a master gone, the slot map not yet telling of the replica promoted in
    its place) has sent nothing anywhere, so the slot map is read again and the batch tried again, as often
    as the client's ``Retry`` says (``base.connect``), which carries a request across a failover as redis-py
    does. Once anything is written, nothing is sent again."""
    for tries_left in range(cluster.retry.get_retries(), -1, -1):
        flights = _flights(cluster, commands)
        try:
            try:
                at = None  # the master being connected to
                for name, flight, _ in flights:
                    at = name
                    flight.take(reopen=True).connect()
            except UNANSWERED as exc:
                _read_slot_map(cluster, failed=at)
                if tries_left and not isinstance(exc, redis.exceptions.TimeoutError):
                    continue  # refused or reset before anything was written: nothing ran
                raise
            return _written_and_read(cluster, commands, flights)
        finally:
            for _, flight, _ in flights:
                flight.land()
    raise AssertionError("unreachable: the last try returns or raises")


def _flights(cluster: Any, commands: Sequence[Queued]) -> list[tuple[str, _Flight, list[int]]]:
    """One flight per master the commands' slots live on (the client's slot map), with their positions."""
    groups: dict[str, tuple[Any, list[int]]] = {}
    try:
        for position, command in enumerate(commands):
            node = cluster.get_node_from_key(command.key)
            groups.setdefault(node.name, (node, []))[1].append(position)
    except redis.exceptions.SlotNotCoveredError:  # the map the client holds has a hole: read it again
        _read_slot_map(cluster)
        raise
    return [
        (node.name, _Flight(cluster.get_redis_connection(node), [commands[p] for p in positions]), positions)
        for node, positions in groups.values()
    ]


def _written_and_read(
    cluster: Any, commands: Sequence[Queued], flights: list[tuple[str, _Flight, list[int]]]
) -> list[Any]:
    """Every share written, then every answer read; a master that does not answer fails the batch."""
    answers: list[Any] = [None] * len(commands)
    at = None  # the master being written to or read from
    try:
        for name, flight, _ in flights:
            at = name
            flight.send()
        for name, flight, positions in flights:
            at = name
            for position, reply in zip(positions, flight.read(), strict=True):
                answers[position] = reply
    except UNANSWERED:
        _read_slot_map(cluster, failed=at)
        raise
    return [
        _followed(cluster, command, answer) if isinstance(answer, REDIRECTED) else answer
        for command, answer in zip(commands, answers, strict=True)
    ]


class NodeUnanswered(redis.exceptions.ConnectionError):
    """A node of :func:`send_per_node` did not answer (refused, reset, timed out): ``node`` names it
    (host:port), ``code`` is what went wrong (``faults.error_code`` of the cause)."""

    def __init__(self, node: str, code: str) -> None:
        super().__init__(f"{node} did not answer ({code})")
        self.node = node
        self.code = code


def send_per_node(cluster: Any, shares: Sequence[tuple[Any, Sequence[Queued]]]) -> list[list[Any]]:
    """Each ``(node, commands)`` share on the thread's own connection to that cluster node, every share
    written before any answer is read (as :func:`send_all` sends each master's); per share its answers,
    Redis's error replies as values. For commands addressed to a node rather than routed by key (the
    readiness probe asks each master): nothing is followed or sent again. The first node that does not
    answer raises :class:`NodeUnanswered`, and the shares after it are not waited for: one frozen node
    costs one timeout, not one each."""
    flights = [
        (node.name, _Flight(cluster.get_redis_connection(node), list(commands))) for node, commands in shares
    ]
    try:
        for name, flight in flights:
            try:
                flight.take(reopen=True)
                flight.send()
            except UNANSWERED as exc:
                raise NodeUnanswered(name, error_code(exc)) from exc
        answers = []
        for name, flight in flights:
            try:
                answers.append(flight.read())
            except UNANSWERED as exc:
                raise NodeUnanswered(name, error_code(exc)) from exc
        return answers
    finally:
        for _, flight in flights:
            flight.land()


class _Flight:
    """One master's share of a batch, written on one connection of its pool and read back later, so that
    every master's share is on its way before the first answer is awaited (what redis-py's own cluster
    pipeline does too). A connection whose answers were not all read is closed, never pooled: the next
    command on it would read this batch's answers."""

    def __init__(self, client: redis.Redis, commands: list[Queued]) -> None:
        self._client = client
        self._commands = commands
        self._connection: Any = None
        self._pooled = False
        self._read = False

    def take(self, *, reopen: bool = False) -> Any:
        """The thread's own connection (``pool.LeanPool``), or one of the pool's, held until :meth:`land`.
        ``reopen``: closed first if Redis closed it while it sat idle (:func:`_closed_by_redis`), so the send
        opens a new one: nothing is sent again after a connection error, so the batch would otherwise go
        out on the dead socket and fail."""
        pool = self._client.connection_pool
        own = getattr(pool, "own_connection", None)
        self._pooled = own is None
        self._connection = pool.get_connection() if own is None else own()
        if reopen and _closed_by_redis(self._connection):
            self._connection.disconnect()
        return self._connection

    def send(self) -> None:
        connection = self._connection or self.take()
        try:
            packed = b"".join([hiredis.pack_command(command.wire) for command in self._commands])
        except TypeError as exc:  # an argument Redis has no form for (None, a bool): as redis-py says it
            raise redis.exceptions.DataError(str(exc)) from None
        connection.send_packed_command([packed], check_health=False)

    def round_trip(self) -> list[Any]:
        self.send()
        return self.read()

    def read(self) -> list[Any]:
        """The answers in order, Redis's error replies as values (a pipeline's ``raise_on_error=False``)."""
        replies: list[Any] = []
        for command in self._commands:
            try:
                reply = self._client.parse_response(  # type: ignore[no-untyped-call]  # unannotated
                    self._connection, command.wire[0]
                )
                replies.append(reply)
            except redis.exceptions.ResponseError as exc:
                replies.append(exc)
        self._read = True
        return replies

    def land(self) -> None:
        """The connection closed if answers may still be on their way; a pooled one back to its pool."""
        if self._connection is None:
            return
        if not self._read:
            self._connection.disconnect()
        if self._pooled:
            self._client.connection_pool.release(self._connection)


def _closed_by_redis(connection: Any) -> bool:
    """Whether Redis closed ``connection`` while it sat idle (its ``timeout`` setting, a restart, ``CLIENT
    KILL``, a firewall's idle cut): the socket polls readable though nothing of ours awaits an answer on it (a
    batch that left answers unread closed it itself: :meth:`_Flight.land`), so what it holds is the end of the
    stream. One zero-timeout poll, no read; nothing has been sent on it, so opening another is safe."""
    sock = getattr(connection, "_sock", None)
    if sock is None:
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _followed(cluster: Any, command: Queued, redirect: Exception) -> Any:
    """The command sent again through the cluster client, which follows ``redirect`` (and learns the new
    slot map from it); Redis's error reply, if any, as a value like the pipeline's."""
    log.info("Redis Cluster redirected a batched command: %s", type(redirect).__name__)
    try:
        return command.follow(cluster)
    except redis.exceptions.ResponseError as exc:
        return exc


def _read_slot_map(cluster: Any, *, failed: str | None = None) -> None:
    """Read the cluster's slot map again after a master did not answer, as redis-py's cluster client does
    after a command of its own fails that way, asking the master that did not answer (``failed``) last:
    redis-py asks the nodes in a random order, and a frozen master asked first cost the request a second
    timeout. If no node answers either, the map stays as it was: the batch fails anyway, and the next
    request's failure asks again."""
    try:
        cluster.nodes_manager.initialize(last_failed_node_name=failed)
    except (redis.exceptions.RedisError, redis.exceptions.RedisClusterException) as exc:
        log.info("Redis Cluster slot map not read again: %s", type(exc).__name__)

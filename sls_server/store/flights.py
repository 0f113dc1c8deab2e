"""One Redis server's share of a batch on one connection: the commands packed and written together, their
answers read back later (:class:`Flight`), so that every server's share is on its way before the first answer
is awaited.

redis-py's parsing and reply callbacks, but not its ``Pipeline`` object, which costs about 18 µs more CPU per
batch of four and 5 µs per single command (``sls_bench/batch_cost.py``), on each of the flow's eleven round
trips. The commands are packed by hiredis, as redis-py packs them when hiredis is there (it always is: a
dependency), without the generator and the buffer splitting redis-py puts around it. The connection is the
thread's own (``pool.LeanPool.own_connection``), not one handed out by the pool each time; through Sentinel
it is the pool's. Nothing here is ever sent twice: what to do about a server that did not answer, or
answered that the command belongs elsewhere, is the caller's (``batch``, ``redirects``).
"""

from __future__ import annotations

import select
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

import hiredis
import redis
from redis._parsers.hiredis import NOT_ENOUGH_DATA, _HiredisParser

from .faults import error_code

#: What a server that does not answer raises in the middle of a batch.
UNANSWERED = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class Wired(Protocol):
    """A command as it goes on the wire: the store's (``writebehind.Queued``), or a bare :class:`Command`."""

    @property
    def wire(self) -> tuple[Any, ...]: ...

    @property
    def name(self) -> Any:
        """``wire``'s first item, which redis-py reads the answer by."""


class Command(NamedTuple):
    """A command sent as it is, to a node named rather than routed by a key (``ASKING``, ``SCRIPT LOAD``)."""

    wire: tuple[Any, ...]

    @property
    def name(self) -> Any:
        return self.wire[0]


class NodeUnanswered(redis.exceptions.ConnectionError):
    """A node of :func:`send_per_node` did not answer (refused, reset, timed out): ``node`` names it
    (host:port), ``code`` is what went wrong (``faults.error_code`` of the cause)."""

    def __init__(self, node: str, code: str) -> None:
        super().__init__(f"{node} did not answer ({code})")
        self.node = node
        self.code = code


def send_per_node(cluster: Any, shares: Sequence[tuple[Any, Sequence[Wired]]]) -> list[list[Any]]:
    """Each ``(node, commands)`` share on the thread's own connection to that cluster node, every share
    written before any answer is read (as ``batch.send_all`` sends each master's); per share its answers,
    Redis's error replies as values. For commands addressed to a node rather than routed by key (the
    readiness probe asks each master): nothing is followed or sent again. The first node that does not
    answer raises :class:`NodeUnanswered`, and the shares after it are not waited for: one frozen node
    costs one timeout, not one each."""
    flights = [
        (node.name, Flight(cluster.get_redis_connection(node), list(commands))) for node, commands in shares
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


class Flight:
    """One master's share of a batch, written on one connection of its pool and read back later, so that
    every master's share is on its way before the first answer is awaited (what redis-py's own cluster
    pipeline does too). A connection whose answers were not all read is closed, never pooled: the next
    command on it would read this batch's answers."""

    def __init__(self, client: redis.Redis, commands: list[Wired]) -> None:
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
        """The answers in order, Redis's error replies as values (a pipeline's ``raise_on_error=False``).

        An answer that must be read from the socket is read by redis-py (``parse_response``: its timeouts,
        its words for a lost connection, its disconnect). The answers that came in the same read, most of a
        batch's, are taken from hiredis's reader as they are (:func:`_judged`), without redis-py's three
        calls around each (some 1.5 µs a command), and judged as redis-py judges them."""
        client, connection, commands = self._client, self._connection, self._commands
        callbacks = client.response_callbacks
        buffered = None  # the first answer is on its way: read from the socket
        replies: list[Any] = []
        for command in commands:
            reply = _NOT_THERE if buffered is None else buffered.gets()
            if type(reply) not in _PLAIN and reply is not _NOT_THERE:  # a list, an error or a push
                reply = _judged(connection, reply)
            if reply is _NOT_THERE:
                try:
                    reply = client.parse_response(  # type: ignore[no-untyped-call]  # unannotated
                        connection, command.name
                    )
                except redis.exceptions.ResponseError as exc:
                    reply = exc
                if len(replies) + 1 < len(commands):  # what that read brought may hold the next answers
                    buffered = _buffered_reader(connection)
            elif not isinstance(reply, redis.exceptions.ResponseError):
                callback = callbacks.get(command.name)  # type: ignore[no-untyped-call]  # unannotated
                if callback is not None:
                    reply = callback(reply)
            replies.append(reply)
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


#: hiredis's answer when no whole reply is buffered: the one redis-py gives its reader (``notEnoughData``).
_NOT_THERE = NOT_ENOUGH_DATA


def _buffered_reader(connection: Any) -> Any:
    """The hiredis reader of ``connection`` when its answers may be taken straight from it: redis-py's hiredis
    parser, its reply callbacks chosen as ``parse_response`` chooses them (not after a fallback to RESP2,
    which picks them per connection), no health check to move on. Else None: every answer through redis-py."""
    parser = getattr(connection, "_parser", None)
    if type(parser) is not _HiredisParser or connection._resp2_fallback or connection.health_check_interval:
        return None
    return parser._reader


#: Replies that are neither an error, nor a list (which may hold one), nor a push: taken as they are.
_PLAIN = frozenset({str, int, float, bool, dict, set, type(None)})


def _judged(connection: Any, reply: Any) -> Any:
    """A reply hiredis had all of already, judged as redis-py's ``read_response`` judges it (a
    ``ConnectionError`` among the replies, Redis's ``LOADING`` or ``MASTERDOWN``, is raised, the connection
    closed); :data:`_NOT_THERE` for a push (redis-py handles that, then reads the reply after it)."""
    if _PUSH is not None and isinstance(reply, _PUSH):
        connection._parser.handle_push_response(reply)
        return _NOT_THERE
    if isinstance(reply, redis.exceptions.ConnectionError):
        connection.disconnect()
        raise reply
    if type(reply) is list and reply and isinstance(reply[0], redis.exceptions.ConnectionError):
        connection.disconnect()
        raise reply[0]
    return reply


_PUSH = getattr(hiredis, "PushNotification", None)


def _closed_by_redis(connection: Any) -> bool:
    """Whether Redis closed ``connection`` while it sat idle (its ``timeout`` setting, a restart, ``CLIENT
    KILL``, a firewall's idle cut): the socket polls readable though nothing of ours awaits an answer on it (a
    batch that left answers unread closed it itself: :meth:`Flight.land`), so what it holds is the end of the
    stream. One zero-timeout poll, no read; nothing has been sent on it, so opening another is safe."""
    sock = getattr(connection, "_sock", None)
    if sock is None:
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))

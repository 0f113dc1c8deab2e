"""Several commands in one round trip per Redis server they go to, their answers in the order given.

On one Redis (plain, or the master Sentinel names) that is one pipeline: the commands packed and written on
one connection, then the answers read (a ``flights.Flight``, which says why not redis-py's ``Pipeline``). A
refused connection is tried again (``connection.connect``'s ``Retry``), and one Redis closed while it sat idle
is opened again before the batch goes out; a connection lost once the batch is on its way fails it and sends
nothing again (redis-py's own pipeline would, counting a wrong password twice). On a Redis Cluster it is one
such pipeline per master that holds the commands' slots, each on the thread's own connection to that master,
all of them written before any answer is read: a batch that reaches three masters waits about as long as one
that reaches one. Not redis-py's cluster pipeline, which gets two things wrong for this store:

- after a connection error or a timeout it sends the commands again, one by one, when Redis may already
  have run them: a lockout reservation counted twice, an audit event written twice;
- a script a failed-over master never loaded answers NOSCRIPT, and the cluster pipeline has no way to load
  it again.

Here a timeout sends nothing again, as on one Redis (``connection.connect``), and the rest is sent again only
where Redis says it did not run it:

- an answer that says the slot is elsewhere (``MOVED``, ``ASK``, ``TRYAGAIN``: a failover or a slot being
  moved) sends that command again where the answer points, learning the new slot map from it
  (``redirects``), by these same rules: not through redis-py's cluster client, which sends a command again
  after a lost connection;
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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import redis

from .flights import UNANSWERED, Flight
from .redirects import followed, read_slot_map
from .transaction import Recorder

if TYPE_CHECKING:
    from .writebehind import Queued


def send_all(client: Any, commands: Sequence[Queued]) -> list[Any]:
    """Send ``commands``, one round trip per server they go to; their answers in order, Redis's error
    replies as values (the caller judges its own). A server that does not answer raises."""
    if type(client) is redis.Redis:  # first: redis-py's clients check ``isinstance`` through a Protocol's
        return _pipeline(client, commands)  # metaclass, some 2 µs each time the answer is no
    if isinstance(client, Recorder):  # a transaction being recorded: nothing is sent yet
        return client.record_all(commands)
    if isinstance(client, redis.Redis):
        return _pipeline(client, commands)
    return _per_master(client, commands)


def _pipeline(client: redis.Redis, commands: Sequence[Queued]) -> list[Any]:
    """One server's batch as a ``Flight``, sent once. A connection Redis closed while it sat idle is
    opened again before anything goes out on it (``take(reopen=True)``), and a refused connection is tried
    again by the connect itself (the client's ``Retry``: see ``connection.connect``); once the batch is on its
    way, a lost connection fails it, as on a Cluster: Redis may have run it, and sent again a wrong password
    was counted twice."""
    flight = Flight(client, list(commands))
    try:
        flight.take(reopen=True)
        return flight.round_trip()
    finally:
        flight.land()


def _per_master(cluster: Any, commands: Sequence[Queued]) -> list[Any]:
    """Each master's share, sent once (:func:`_sent_once`); the commands a master answered with a redirect
    sent where it points, each once too (``redirects``)."""
    return followed(cluster, commands, _sent_once(cluster, commands), _sent_once)


def _sent_once(cluster: Any, commands: Sequence[Queued]) -> list[Any]:
    """Each master's share on the thread's own connection to it. Every connection is open before anything is
    written: a connection refused (a master gone, the slot map not yet telling of the replica promoted in
    its place) has sent nothing anywhere, so the slot map is read again and the batch tried again, as often
    as the client's ``Retry`` says (``connection.connect``), which carries a request across a failover as
    redis-py does. Once anything is written, nothing is sent again."""
    for tries_left in range(cluster.retry.get_retries(), -1, -1):
        flights = _flights(cluster, commands)
        try:
            try:
                at = None  # the master being connected to
                for name, flight, _ in flights:
                    at = name
                    flight.take(reopen=True).connect()
            except UNANSWERED as exc:
                read_slot_map(cluster, failed=at)
                if tries_left and not isinstance(exc, redis.exceptions.TimeoutError):
                    continue  # refused or reset before anything was written: nothing ran
                raise
            return _written_and_read(cluster, commands, flights)
        finally:
            for _, flight, _ in flights:
                flight.land()
    raise AssertionError("unreachable: the last try returns or raises")


def _flights(cluster: Any, commands: Sequence[Queued]) -> list[tuple[str, Flight, list[int]]]:
    """One flight per master the commands' slots live on (the client's slot map), with their positions."""
    groups: dict[str, tuple[Any, list[int]]] = {}
    try:
        for position, command in enumerate(commands):
            node = cluster.get_node_from_key(command.key)
            groups.setdefault(node.name, (node, []))[1].append(position)
    except redis.exceptions.SlotNotCoveredError:  # the map the client holds has a hole: read it again
        read_slot_map(cluster)
        raise
    return [
        (node.name, Flight(cluster.get_redis_connection(node), [commands[p] for p in positions]), positions)
        for node, positions in groups.values()
    ]


def _written_and_read(
    cluster: Any, commands: Sequence[Queued], flights: list[tuple[str, Flight, list[int]]]
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
        read_slot_map(cluster, failed=at)
        raise
    return answers

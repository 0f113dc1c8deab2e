"""Commands a Redis Cluster master answered with a redirect, sent where the answer says, and never twice.

A master answers ``MOVED`` (the slot lives elsewhere now: a failover, a slot moved), ``ASK`` (the slot is
moving and the key is at its target already: ask there, this once, after ``ASKING``) or ``TRYAGAIN`` (the
slot is moving and the command's keys are split between the two): each says Redis ran nothing, so the command
may go again where it belongs. It goes as the batch sent it (``batch``, ``flights``): once, and a connection
lost before its answer came back fails the request (503), since Redis may have run it. redis-py's cluster
client, which followed the redirects before, sends a command again after a lost connection: a wrong
password's settling script redirected by a failover, its answer lost, ran twice, and the failure counted
twice (``tests/cluster/test_cluster_redirects.py``).

- ``MOVED`` updates the client's slot map as redis-py does (the one slot from the answer, and the whole map
  at every ``reinitialize_steps``-th redirect: a failover moved every slot of its master), then the commands
  go again routed by it, every redirected command of the batch together, one round trip per master;
- ``ASK`` sends ``ASKING`` and the command on the connection to the node named, the slot map unchanged; a
  script that node never loaded (``NOSCRIPT``) is loaded there and asked for again (it ran nothing);
- ``TRYAGAIN`` sends the command again as it was routed;
- a command still redirected after :data:`HOPS` answers ``CLUSTERDOWN``: the cluster is in flux, a 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import redis
from redis.cluster import PRIMARY, ClusterNode

from .flights import Command, NodeUnanswered, Wired, send_per_node

if TYPE_CHECKING:
    from .writebehind import Queued

log = logging.getLogger(__name__)

#: Answers meaning "not run here, the slot lives elsewhere": safe to send again where it lives.
REDIRECTED = (redis.exceptions.AskError, redis.exceptions.TryAgainError)  # MovedError is an AskError

#: Redirects followed per batch before its commands still redirected answer CLUSTERDOWN.
HOPS = 5

#: Sends commands routed by the slot map, once (``batch``): their answers, or the outage raised.
Routed = Callable[[Any, Sequence["Queued"]], list[Any]]


def followed(cluster: Any, commands: Sequence[Queued], answers: Sequence[Any], routed: Routed) -> list[Any]:
    """``answers`` to ``commands``, each redirect among them replaced by the answer from where it pointed."""
    answers = list(answers)
    for _ in range(HOPS):
        redirected = [p for p, answer in enumerate(answers) if isinstance(answer, REDIRECTED)]
        if not redirected:
            return answers
        kinds = sorted({type(answers[p]).__name__ for p in redirected})
        log.info("Redis Cluster redirected %d batched command(s): %s", len(redirected), ", ".join(kinds))
        asked: dict[str, tuple[Any, list[int]]] = {}
        again: list[int] = []
        for p in redirected:
            answer = answers[p]
            if isinstance(answer, redis.exceptions.MovedError):
                _moved(cluster, answer)
                again.append(p)
            elif isinstance(answer, redis.exceptions.AskError):
                node = _node_at(cluster, answer.host, answer.port)
                asked.setdefault(node.name, (node, []))[1].append(p)
            else:
                again.append(p)
        for node, positions in asked.values():
            for p, reply in zip(
                positions, _asked(cluster, node, [commands[p] for p in positions]), strict=True
            ):
                answers[p] = reply
        if again:
            for p, reply in zip(again, routed(cluster, [commands[p] for p in again]), strict=True):
                answers[p] = reply
    return [
        redis.exceptions.ClusterDownError(f"CLUSTERDOWN still redirected after {HOPS} redirects")
        if isinstance(answer, REDIRECTED)
        else answer
        for answer in answers
    ]


def _moved(cluster: Any, moved: redis.exceptions.MovedError) -> None:
    """The slot map told of the slot's new master (redis-py's own step), and read whole now and then."""
    cluster.nodes_manager.move_slot(moved)
    cluster.reinitialize_counter += 1
    steps = cluster.reinitialize_steps
    if steps and cluster.reinitialize_counter % steps == 0:
        cluster.reinitialize_counter = 0
        read_slot_map(cluster)


def _node_at(cluster: Any, host: str, port: int) -> Any:
    """The cluster node at ``host:port``; one the slot map does not name yet (a master that serves no slot
    yet, importing its first) made and remembered as redis-py's ``move_slot`` does."""
    node = cluster.get_node(host=host, port=port)
    if node is None:
        made = ClusterNode(host, port, PRIMARY)  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
        node = cluster.nodes_manager.nodes_cache.setdefault(made.name, made)
    return node


def _asked(cluster: Any, node: Any, commands: Sequence[Queued]) -> list[Any]:
    """``commands`` sent to ``node`` each after ``ASKING``; a script it answers NOSCRIPT for loaded there and
    asked for once more. A node that does not answer reads the slot map again and raises."""
    asking = Command(("ASKING",))
    try:
        share: list[Wired] = [sent for command in commands for sent in (asking, command)]
        [replies] = send_per_node(cluster, [(node, share)])
        answers = replies[1::2]
        unloaded = [
            i
            for i, (command, answer) in enumerate(zip(commands, answers, strict=True))
            if command.script is not None and isinstance(answer, redis.exceptions.NoScriptError)
        ]
        if unloaded:
            share = [
                sent
                for i in unloaded
                for sent in (Command(("SCRIPT", "LOAD", commands[i].script.script)), asking, commands[i])
            ]
            [replies] = send_per_node(cluster, [(node, share)])
            for n, i in enumerate(unloaded):
                answers[i] = replies[3 * n + 2]
    except NodeUnanswered:
        read_slot_map(cluster, failed=node.name)
        raise
    return answers


def read_slot_map(cluster: Any, *, failed: str | None = None) -> None:
    """Read the cluster's slot map again after a master did not answer, as redis-py's cluster client does
    after a command of its own fails that way, asking the master that did not answer (``failed``) last:
    redis-py asks the nodes in a random order, and a frozen master asked first cost the request a second
    timeout. If no node answers either, the map stays as it was: the batch fails anyway, and the next
    request's failure asks again."""
    try:
        cluster.nodes_manager.initialize(last_failed_node_name=failed)
    except (redis.exceptions.RedisError, redis.exceptions.RedisClusterException) as exc:
        log.info("Redis Cluster slot map not read again: %s", type(exc).__name__)

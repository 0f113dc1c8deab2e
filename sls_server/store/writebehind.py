"""Writes whose answers nobody reads, sent together: one round trip for a step's bookkeeping.

A step of the login flow ends with several small writes whose answers it does not need (the audit events,
forgetting the password failures, remembering the address and the device, refunding an address's
reservation). Each used to be its own round trip to Redis, which is most of what a login costs: the work
Redis does is tiny, the waiting is not. Inside :func:`write_behind`, those writes queue up and ride along
with the block's next round trip that needs an answer (:func:`carrying`: the queued writes go first in its
pipeline), or go as one pipeline when the block ends, whether it ends well or by an error (an event
recorded before a refusal still lands). A write whose answer decides anything (a lockout settle, a
session's creation) never queues.

Each queued write is itself atomic (one command or one Lua script); the pipeline only saves the waiting,
it makes no transaction of them, so nothing here may depend on two queued writes landing together. On a
Redis Cluster the writes go the same way, in one pipeline per master their slots live on (``batch``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextvars import ContextVar, Token
from typing import Any

import redis

from ..errors import StoreUnavailable
from ..frozen import frozen
from .batch import send_all
from .faults import StoreBug, is_outage, outage_words
from .flights import send_per_node

log = logging.getLogger(__name__)


@frozen
class Queued:
    """One unanswered write: a command (``args``), or a registered Lua script with ``keys`` and ``args``.

    ``@frozen``, not a frozen dataclass: some 25 are made a flow (docs/performance.md, "A fourteenth
    step")."""

    args: tuple[Any, ...]
    script: Any = None  # redis-py's Script: its sha, and its call that reloads a script Redis lost
    keys: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The key a Cluster routes it by: a script's first (all its keys share one slot), a command's
        first argument (every command the store batches names its key there)."""
        return self.keys[0] if self.script is not None else str(self.args[1])

    @property
    def name(self) -> Any:
        """The command's name, which redis-py reads its answer by: what :attr:`wire` starts with, without
        building the whole command (a script's keys and arguments) again to read its first item."""
        return "EVALSHA" if self.script is not None else self.args[0]

    @property
    def wire(self) -> tuple[Any, ...]:
        """The command as Redis reads it: a script as EVALSHA, never redis-py's pipeline script support,
        which asks SCRIPT EXISTS first (one more round trip each time)."""
        if self.script is None:
            return self.args
        return ("EVALSHA", self.script.sha, len(self.keys), *self.keys, *self.args)

    def send(self, client: Any) -> Any:
        """Send it alone, in a batch of one (``batch``: never sent again once on its way); its answer (an
        error reply raised). A script Redis lost (a restart) answers NOSCRIPT: loaded again, and sent once
        more (Redis ran nothing the first time)."""
        try:
            return self._send_once(client)
        except redis.exceptions.NoScriptError:
            self._load(client)
            return self._send_once(client)

    def _load(self, client: Any) -> None:
        """The script loaded where it was missing. On a Cluster only on the master of its key, the one that
        answered NOSCRIPT: redis-py's ``script_load`` loads it on every master in turn, and a frozen master
        made a request on a healthy one wait its timeout, then fail."""
        if isinstance(client, redis.Redis):
            self.script.sha = client.script_load(self.script.script)
            return
        node = client.get_node_from_key(self.key)
        [[sha]] = send_per_node(client, [(node, [Queued(("SCRIPT", "LOAD", self.script.script))])])
        if isinstance(sha, Exception):
            raise sha
        self.script.sha = sha

    def _send_once(self, client: Any) -> Any:
        # On a Cluster too: redis-py's cluster client sends a command again after a lost connection, when
        # the master may have run it (a wrong password was counted twice).
        [answer] = send_all(client, [self])
        if isinstance(answer, Exception):
            raise answer
        return answer


#: The open block's queue in this thread (gunicorn's threads and the test client each have their own).
_queue: ContextVar[list[Queued] | None] = ContextVar("sls_write_behind", default=None)


def later(client: Any, write: Queued) -> None:
    """Send ``write`` now, or at the end of the open block."""
    queue = _queue.get()
    if queue is None:
        write.send(client)
    else:
        queue.append(write)


class write_behind:  # named as the function it was; used as one (``with write_behind(c):``)
    """Queue :func:`later` writes until the block ends, then send them in one pipeline (sent when the block
    fails too). Nested blocks join the outermost. A Redis failure in the send is ``StoreUnavailable`` (or
    ``StoreBug``) as anywhere. A class, not a ``contextmanager`` generator: two or three a request, and a
    generator's block costs some 4,000 instructions more (``tests/unit/test_block_costs.py``)."""

    __slots__ = ("_client", "_queue", "_token")

    def __init__(self, client: Any) -> None:
        self._client = client
        self._queue: list[Queued] = []
        self._token: Token[list[Queued] | None] | None = None

    def __enter__(self) -> None:
        if _queue.get() is None:  # else nested: the outermost block sends
            self._token = _queue.set(self._queue)

    def __exit__(self, *exc: object) -> None:
        if self._token is None:
            return
        _queue.reset(self._token)
        if self._queue:
            _send(self._client, self._queue)


class Carrier:
    """A batch that carries the open block's queued writes ahead of the caller's own commands."""

    def __init__(self, client: Any, queue: Sequence[Queued]) -> None:
        self.client = client
        self._queue = list(queue)
        self._own: list[Queued] = []

    def add(self, command: Queued) -> None:
        """One of the caller's commands, answered by :meth:`execute`."""
        self._own.append(command)

    def execute(self) -> list[Any]:
        """Send everything in one round trip (per master, on a Cluster); the answers to the caller's
        commands, errors included as values (the caller decides about its own). A queued write Redis
        refused raises here."""
        answers = send_all(self.client, [*self._queue, *self._own])
        _check(self.client, self._queue, answers[: len(self._queue)])
        return answers[len(self._queue) :]


def carrying(client: Any) -> Carrier | None:
    """A :class:`Carrier` holding the open block's queued writes (the queue is emptied), or None when
    there are none to carry: then the caller sends its commands as it would anyway."""
    queue = _queue.get()
    if not queue:
        return None
    carrier = Carrier(client, queue)
    queue.clear()
    return carrier


def resolved(write: Queued, client: Any, answer: Any) -> Any:
    """A pipelined write's answer. A script Redis lost (it restarted) answers NOSCRIPT: sent again alone,
    which reloads it. Any other error is raised."""
    if isinstance(answer, redis.exceptions.NoScriptError):
        return write.send(client)
    if isinstance(answer, Exception):
        raise answer
    return answer


def _check(client: Any, queue: Sequence[Queued], answers: Sequence[Any]) -> None:
    for write, answer in zip(queue, answers, strict=True):
        resolved(write, client, answer)


def _send(client: Any, queue: Sequence[Queued]) -> None:
    try:
        _check(client, queue, send_all(client, queue))
    except (redis.exceptions.RedisError, redis.exceptions.RedisClusterException) as exc:
        if is_outage(exc):
            log.warning("Redis cannot serve write_behind: %s", outage_words(exc))
            raise StoreUnavailable() from exc
        raise StoreBug("write_behind", exc) from None

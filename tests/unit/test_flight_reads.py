"""A batch's answers that arrived together are taken from hiredis's reader as they are (``store.flights``),
without redis-py's read path around each: they must be what redis-py's own pipeline gives for the same
commands, its reply callbacks applied, Redis's error replies as values, and an error reply redis-py counts
as a lost server (``LOADING``) raised with the connection closed, as redis-py does."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import redis
from conftest import TOPOLOGY

from sls_server.store.batch import send_all
from sls_server.store.connection import connect
from sls_server.store.writebehind import Queued

single_redis_only = pytest.mark.skipif(TOPOLOGY != "single", reason="one Redis's batch on one connection")

COMMANDS: list[tuple[Any, ...]] = [
    ("HSET", "flight:h", "a", "1", "b", "2"),
    ("HGETALL", "flight:h"),
    ("SADD", "flight:s", "x", "y"),
    ("SMEMBERS", "flight:s"),
    ("GET", "flight:nothing"),
    ("EVALSHA", "0" * 40, 0),  # NOSCRIPT
    ("INCR", "flight:h"),  # WRONGTYPE
    ("EVAL", "return {1, 'two', {3}}", 0),
    ("ZADD", "flight:z", 1, "m"),
    ("ZRANGE", "flight:z", 0, -1, "WITHSCORES"),
    ("EXISTS", "flight:h", "flight:s"),
    ("HGET", "flight:h", "a"),
]


def _shown(replies: list[Any]) -> list[Any]:
    return [(type(r).__name__, str(r)) if isinstance(r, Exception) else r for r in replies]


@single_redis_only
def test_a_batchs_answers_are_redis_pys_own(redis_url: str) -> None:
    theirs = connect(redis_url)
    pipe = theirs.pipeline(transaction=False)
    for command in COMMANDS:
        pipe.execute_command(*command)
    expected = _shown(pipe.execute(raise_on_error=False))
    theirs.flushdb()
    ours = _shown(send_all(connect(redis_url), [Queued(c) for c in COMMANDS]))
    assert ours == expected
    assert ours[1] == {"a": "1", "b": "2"} and ours[3] == {"x", "y"} and ours[5][0] == "NoScriptError"


@single_redis_only
def test_answers_that_came_together_are_read_once_through_redis_py(redis_url: str) -> None:
    """The first answer is read from the socket by redis-py; those it brought along are not read again
    through it (they were, one ``read_response`` each)."""
    client = connect(redis_url)
    send_all(client, [Queued(("PING",))])  # the thread's own connection opened (its handshake's reads)
    connection = client.connection_pool.own_connection()  # type: ignore[attr-defined]  # LeanPool's
    reads = 0
    through = connection.read_response

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal reads
        reads += 1
        return through(*args, **kwargs)

    connection.read_response = counted
    answers = send_all(client, [Queued(("SET", f"flight:{n}", n)) for n in range(6)])
    assert answers == [True] * 6
    assert reads == 1


@single_redis_only
def test_an_answer_redis_py_counts_as_a_lost_server_is_raised_and_the_connection_closed(
    redis_url: str,
) -> None:
    """``LOADING`` (Redis still reading its data) in the middle of a batch: redis-py raises its
    ``BusyLoadingError`` (a ``ConnectionError``: the store says 503) and closes the connection, whose unread
    answers would otherwise be the next batch's."""
    client = connect(redis_url)
    loading = ("EVAL", "return redis.error_reply('LOADING Redis is loading the dataset in memory')", 0)
    with pytest.raises(redis.exceptions.BusyLoadingError):
        send_all(client, [Queued(("PING",)), Queued(loading), Queued(("SET", "flight:after", "1"))])
    connection = client.connection_pool.own_connection()  # type: ignore[attr-defined]  # LeanPool's
    assert connection._sock is None
    assert send_all(client, [Queued(("GET", "flight:after")), Queued(("PING",))]) == ["1", True]


@single_redis_only
def test_a_batch_on_one_redis_is_sent_without_a_protocol_instance_check(redis_url: str) -> None:
    """redis-py's client classes have ``typing``'s Protocol metaclass (its commands' mixins are Protocols), so
    ``isinstance`` of a client against one of them that it is not (the store's ``Recorder``) runs that
    metaclass's ``__instancecheck__`` in Python, some 2 µs; a batch, eleven a flow, asks none."""
    client = connect(redis_url)
    send_all(client, [Queued(("PING",))])  # the thread's own connection opened
    checks: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_name == "__instancecheck__":
            checks.append(frame.f_code.co_filename)

    sys.setprofile(watch)
    try:
        answers = send_all(client, [Queued(("SET", "flight:k", "v")), Queued(("GET", "flight:k"))])
    finally:
        sys.setprofile(None)
    assert answers == [True, "v"]
    assert checks == []

"""The store's lean connection pool (``store/pool.py``) keeps redis-py's fork safety: it only stopped asking
the kernel for the pid on every round trip. The store's batches go on each thread's own connection, which
no other thread, no forked child and no later batch may read another's answers from."""

from __future__ import annotations

import multiprocessing
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis
from conftest import TOPOLOGY

from sls_server.store.batch import send_all
from sls_server.store.connection import connect
from sls_server.store.pool import LeanPool
from sls_server.store.writebehind import Queued

single_redis_only = pytest.mark.skipif(TOPOLOGY != "single", reason="a plain redis:// URL's pool")


def _child_client_id(client: Any, answers: Any) -> None:
    answers.put((os.getpid(), client.client_id(), client.connection_pool.pid))


@single_redis_only
def test_a_forked_child_gets_connections_of_its_own(redis_url: str) -> None:
    client = connect(redis_url)
    assert isinstance(client.connection_pool, LeanPool)
    parents = client.client_id()  # a pooled connection, idle now, that the child inherits
    answers = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_child_client_id, args=(client, answers))
    child.start()
    child.join(timeout=30)
    child_pid, childs, pool_pid = answers.get(timeout=5)
    assert childs != parents, "the child used its parent's socket"
    assert pool_pid == child_pid, "the child's pool was not reset for it"
    assert client.client_id() == parents, "the parent's own connection was disturbed"


@single_redis_only
def test_connections_are_handed_out_without_a_deprecation_check(redis_url: str) -> None:
    pool = connect(redis_url).connection_pool
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        connection = pool.get_connection("GET")  # the argument redis-py's wrapper warns about
    pool.release(connection)
    assert pool.get_connection() is connection  # the same idle connection, back from the pool


def _batch_client_id(client: Any) -> int:
    [answer] = send_all(client, [Queued(("CLIENT", "ID"))])
    return int(answer)


def _child_batch_client_id(client: Any, answers: Any) -> None:
    answers.put(_batch_client_id(client))


@single_redis_only
def test_each_thread_batches_on_a_connection_of_its_own(redis_url: str) -> None:
    client = connect(redis_url)
    mine = _batch_client_id(client)
    assert _batch_client_id(client) == mine, "a second batch of this thread took another connection"
    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(_batch_client_id, client).result()
    assert other != mine, "two threads shared one connection"
    assert client.client_id() not in (mine, other), "redis-py's own commands took a thread's connection"
    answers = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_child_batch_client_id, args=(client, answers))
    child.start()
    child.join(timeout=30)
    assert answers.get(timeout=5) not in (mine, other), "the child used its parent's socket"
    assert _batch_client_id(client) == mine, "the parent's own connection was disturbed"


@single_redis_only
def test_a_batch_cut_off_before_its_answer_leaves_no_answer_for_the_next(redis_url: str) -> None:
    """A timed-out batch's answer arrives later: the next batch of the same thread must not read it. The batch
    waits on a list nothing fills (BLPOP), so it is cut off whatever the machine's load; the list is filled
    once it was, which sends its answer to wherever the batch's connection now is."""
    # cut off at 1 s, not 0.2: its other commands go to a healthy Redis, which a loaded machine can hold back
    # past a short timeout (0.5 s was seen on CI, tests/cluster/test_cluster_timeouts.py)
    client = connect(redis_url, timeout_s=1.0)
    client.set("pool:test:key", "its own value")
    with pytest.raises(redis.exceptions.TimeoutError):
        send_all(client, [Queued(("BLPOP", "pool:test:gate", 0))])
    client.rpush("pool:test:gate", "the late answer")  # on redis-py's own connection, not the thread's
    assert send_all(client, [Queued(("GET", "pool:test:key"))]) == ["its own value"]


@single_redis_only
def test_closing_the_pool_closes_the_threads_own_connections(redis_url: str) -> None:
    client = connect(redis_url)
    before = _batch_client_id(client)
    client.connection_pool.disconnect()
    after = _batch_client_id(client)  # opened again on use
    assert after != before
    assert before not in {int(c["id"]) for c in client.client_list()}, "the old connection is still open"


@pytest.mark.skipif(TOPOLOGY == "sentinel", reason="through Sentinel the batches use redis-py's pool")
def test_on_one_redis_and_on_each_cluster_master_a_thread_batches_on_its_own_connection(
    redis_url: str,
) -> None:
    client = connect(redis_url)
    mine = _batch_client_id(client)  # on a Cluster: the master of the slot of "ID", the command's key
    assert _batch_client_id(client) == mine, "a second batch of this thread took another connection"
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(_batch_client_id, client).result() != mine, "two threads shared one connection"

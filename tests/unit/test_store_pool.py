"""The store's lean connection pool (``store/pool.py``) keeps redis-py's fork safety: it only stopped asking
the kernel for the pid on every round trip."""

from __future__ import annotations

import multiprocessing
import os
import warnings
from typing import Any

import pytest
from conftest import TOPOLOGY

from sls_server.store.base import connect
from sls_server.store.pool import LeanPool

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

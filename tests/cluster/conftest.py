"""What the Cluster test modules share: the session's three-master cluster, healthy and empty per test."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest

from cluster.topology import LocalCluster


@pytest.fixture
def cluster(redis_cluster: LocalCluster) -> LocalCluster:
    redis_cluster.wait_healthy()  # a failover test before may still be settling its replica
    redis_cluster.flush()
    return redis_cluster


@pytest.fixture(autouse=True)
def garbage_collected_here() -> Iterator[None]:
    """Each Cluster test's garbage is collected when it ends, not during a later test.

    redis-py's cluster client holds its connections in reference cycles (each node's connection settings
    carry a bound method of the client), so what a test does not close is closed by the cycle collector,
    in an order of its choosing: a socket finalized before the connection that would have closed it warns
    that it was left open. Until ``Store.close`` closed each master's pool itself (redis-py's cluster close
    leaves open a pool it was given), seven sockets in five of these tests were left so, and the warning
    fell on whichever test was running when the collector came round: once, on CI, during the set-up of a
    later readiness test. A collection after each test, recording every warning, now finds none; it stays,
    since the tests' apps are never closed and the collector's order is its own. Only that warning is
    ignored, and only in this collection."""
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unclosed <socket", category=ResourceWarning)
        gc.collect()

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
    carry a bound method of the client), so they are closed by the cycle collector, not when the last
    reference goes, and in an order of its choosing: a socket finalized before the connection that would
    have closed it warns that it was left open. Some are left for the collector even after ``Store.close``
    (the connections of node clients redis-py no longer holds once it has read the slot map again after a
    timeout), and the tests' apps are never closed. The warning then fell on whichever test was running
    when the collector came round: once, on CI, during the set-up of a later readiness test.
    Collected here, those sockets close at the end of the test that opened them; only that warning is
    ignored, and only in this collection."""
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unclosed <socket", category=ResourceWarning)
        gc.collect()

"""What the Cluster test modules share: the session's three-master cluster, healthy and empty per test."""

from __future__ import annotations

import pytest

from cluster.topology import LocalCluster


@pytest.fixture
def cluster(redis_cluster: LocalCluster) -> LocalCluster:
    redis_cluster.wait_healthy()  # a failover test before may still be settling its replica
    redis_cluster.flush()
    return redis_cluster

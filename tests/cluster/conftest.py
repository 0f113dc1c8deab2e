"""What the Cluster test modules share: the session's three-master cluster, healthy and empty per test."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest

from cluster.topology import LocalCluster
from sls_server.store import Store


@pytest.fixture
def cluster(redis_cluster: LocalCluster) -> LocalCluster:
    redis_cluster.wait_healthy()  # a failover test before may still be settling its replica
    redis_cluster.flush()
    return redis_cluster


@pytest.fixture(autouse=True)
def stores_closed(monkeypatch: pytest.MonkeyPatch, garbage_collected_here: None) -> Iterator[None]:
    """Every store a Cluster test makes, its apps' included, is closed when the test ends, before the
    collection below: the tests never close their apps, and what is left open waited for the collector."""
    made: list[Store] = []
    making = Store.from_url.__func__  # type: ignore[attr-defined]  # the classmethod's function

    def from_url(cls: type[Store], url: str, *, timeout_s: float = 2.0) -> Store:
        store: Store = making(cls, url, timeout_s=timeout_s)
        made.append(store)
        return store

    monkeypatch.setattr(Store, "from_url", classmethod(from_url))
    yield
    for store in made:
        store.close()


@pytest.fixture(autouse=True)
def garbage_collected_here() -> Iterator[None]:
    """Each Cluster test's garbage is collected when it ends, not during a later test.

    redis-py's cluster client holds its connections in reference cycles (each node's connection settings
    carry a bound method of the client), so what a test does not close is closed by the cycle collector,
    in an order of its choosing: a socket finalized before the connection that would have closed it warns
    that it was left open. Until ``Store.close`` closed each master's pool itself (redis-py's cluster close
    leaves open a pool it was given), seven sockets in five of these tests were left so, and the warning
    fell on whichever test was running when the collector came round: once, on CI, during the set-up of a
    later readiness test. A collection after each test, recording every warning, now finds none; and the
    stores a test made are closed before it (``stores_closed``). It stays as a guard: a client a test makes
    past ``Store.from_url`` is closed by nobody else. Only that warning is ignored, and only in this
    collection."""
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unclosed <socket", category=ResourceWarning)
        gc.collect()

"""A connection Redis closed while it sat idle (its ``timeout`` setting, a restart, ``CLIENT KILL``) is found
so before a batch is sent on it, and reopened (``store.flights._closed_by_redis``): the batch is answered,
not refused as sent on a dead socket."""

from __future__ import annotations

import pytest
from conftest import TOPOLOGY

from sls_server.store.batch import send_all
from sls_server.store.connection import connect
from sls_server.store.writebehind import Queued

pytestmark = pytest.mark.skipif(TOPOLOGY != "single", reason="one Redis's connection, killed by its id")


def test_a_connection_killed_while_idle_is_reopened_before_the_next_batch(redis_url: str) -> None:
    client = connect(redis_url)
    other = connect(redis_url)
    assert send_all(client, [Queued(("SET", "idle:key", "kept"))]) == [True]
    for _ in range(2):  # and again on the connection it reopened
        assert send_all(client, [Queued(("CLIENT", "SETNAME", "victim"))]) == ["OK"]
        ids = [c["id"] for c in other.client_list() if c["name"] == "victim"]
        assert len(ids) == 1
        assert other.client_kill_filter(_id=ids[0]) == 1
        assert send_all(client, [Queued(("GET", "idle:key"))]) == ["kept"]

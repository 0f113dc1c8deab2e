"""A connection Redis closed while it sat idle is found so before a batch is sent on it, and reopened
(``store.flights._closed_by_redis``): with the poll object kept for the connection's socket, not made and
registered again every round trip."""

from __future__ import annotations

import select
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import TOPOLOGY

from sls_server.store import flights
from sls_server.store.batch import send_all
from sls_server.store.connection import connect
from sls_server.store.writebehind import Queued

pytestmark = pytest.mark.skipif(TOPOLOGY != "single", reason="one Redis's connection, killed by its id")


def _polls_made(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    made: list[Any] = []
    real = select.poll

    def counted() -> Any:
        made.append(real())
        return made[-1]

    # flights' own ``select`` only: redis-py polls its sockets too (``can_read``), through the module's
    monkeypatch.setattr(flights, "select", SimpleNamespace(poll=counted, POLLIN=select.POLLIN))
    return made


def test_a_connection_killed_while_idle_is_reopened_and_each_socket_polled_with_one_poll_object(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = connect(redis_url)
    other = connect(redis_url)
    assert send_all(client, [Queued(("CLIENT", "SETNAME", "victim"))]) == ["OK"]
    made = _polls_made(monkeypatch)
    for n in range(5):
        assert send_all(client, [Queued(("SET", f"idle:{n}", n))]) == [True]
    assert len(made) == 1  # one for the socket, not one a round trip

    for killed in range(1, 3):
        ids = [c["id"] for c in other.client_list() if c["name"] == "victim"]
        assert len(ids) == 1
        assert other.client_kill_filter(_id=ids[0]) == 1
        # found closed before the send, reopened: the batch is answered, not refused with a lost connection
        assert send_all(client, [Queued(("CLIENT", "SETNAME", "victim"))]) == ["OK"]
        assert send_all(client, [Queued(("GET", "idle:4"))]) == ["4"]
        assert len(made) == 1 + killed  # the new socket's own

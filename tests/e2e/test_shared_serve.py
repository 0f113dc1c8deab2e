"""``shared_serve`` (tests/shared_servers.py): one server per distinct settings in a process, each handed on
as if just started. The tests that share one rely on both: a server of other settings would be another
test's, and a world or clock left over would be the last test's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN, empty
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
TRUSTING = {"SLS_TRUSTED_PROXIES": "127.0.0.1/32"}


def offset(server: ServerProcess) -> int:
    answer = requests.get(f"{server.url}/admin/v1/clock", headers=ADMIN, timeout=10)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["offset_s"])


def test_the_same_settings_share_a_server_and_others_get_their_own(
    shared_serve: Callable[..., ServerProcess], redis_session: Any
) -> None:
    """Each call as a test of its own makes it: on an emptied Redis (a server starting refuses a Redis that
    holds another's key check)."""
    trusting = shared_serve(workers=1, **TRUSTING)
    empty(redis_session)
    assert shared_serve(workers=1, **TRUSTING).process.pid == trusting.process.pid
    empty(redis_session)
    other = shared_serve(workers=1, SLS_SESSION_CONCURRENCY="allow")
    assert other.process.pid != trusting.process.pid
    empty(redis_session)
    assert shared_serve(workers=2, **TRUSTING).process.pid not in {trusting.process.pid, other.process.pid}


@pytest.mark.parametrize("run", ["first", "second"])
def test_a_shared_server_is_handed_on_without_the_last_tests_world_or_clock(
    shared_serve: Callable[..., ServerProcess], run: str
) -> None:
    """Twice: in one process the second run gets the server the first left a user and a moved clock on,
    and starts from nothing, as on a server of its own."""
    server = shared_serve(workers=1, **TRUSTING)
    assert requests.get(f"{server.url}/admin/v1/users/kit-kim", headers=ADMIN, timeout=10).status_code == 404
    assert offset(server) == 0
    body = {"username": "kit-kim", "password": "Amber-birch-cobalt-42", "sms": False}
    made = requests.post(f"{server.url}/admin/v1/users", json=body, headers=ADMIN, timeout=10)
    assert made.status_code == 201, made.text
    moved = requests.post(f"{server.url}/admin/v1/clock", json={"advance_s": 901}, headers=ADMIN, timeout=10)
    assert moved.status_code == 200, moved.text
    assert offset(server) == 901

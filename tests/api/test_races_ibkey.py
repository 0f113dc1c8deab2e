"""One smartphone per user holds when two new phones' IB Keys are activated at the same moment.

Activating an IB Key spends its code in one Lua step, then replaces the user's other active IB Keys
(``Activation._replace_held``), read and written one by one afterwards. Two activations racing (two
migrations started, a new phone activated as an administrator enrols another) each read the other as not
yet active, leaving the user two active IB Keys, or each replaced the other, leaving none. Threads, each with
its own test client on one app: the race is between the two requests' round trips to Redis.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from ibkey_world import PHONES, UNLOCK, World, ibkey_world  # noqa: F401  (the world fixture)

ROUNDS = 10


def _active_ib_keys(world: World) -> list[str]:
    listed = world.client.get("/admin/v1/users/alice/devices", headers=world.headers).get_json()
    return [d["device_id"] for d in listed["devices"] if d["type"] == "ibkey" and d["status"] == "active"]


def test_two_ib_keys_activated_at_once_leave_exactly_one_active(app: Flask, world: World) -> None:
    """Each round: two new phones' IB Keys activated at once. Exactly one is active after; one the race
    refused (409 ``activation_in_progress``) kept its code, and activating it again replaces the other."""
    world.activated_user("alice", "android")
    wrong = 0
    for _ in range(ROUNDS):
        pending = []
        for _ in range(2):
            device_id = world.enrol("alice", "ios")["device_id"]
            pending.append((device_id, world.code(PHONES["alice"])))
        barrier = threading.Barrier(len(pending))

        def activate(job: tuple[str, str], barrier: threading.Barrier = barrier) -> Any:
            device_id, code = job
            own = World(app.test_client(), world.headers)
            barrier.wait()
            return own.activate(device_id, "alice", code, **UNLOCK["ios"])

        with ThreadPoolExecutor(len(pending)) as pool:
            answers = list(pool.map(activate, pending))
        statuses = [a.status_code for a in answers]
        assert sorted(statuses) in ([200, 200], [200, 409]), [a.get_json() for a in answers]
        wrong += len(_active_ib_keys(world)) != 1
        for job, answer in zip(pending, answers, strict=True):
            if answer.status_code == 409:
                assert answer.get_json()["error"] == "activation_in_progress"
                again = world.activate(job[0], "alice", job[1], **UNLOCK["ios"])
                assert again.status_code == 200, again.get_json()
                assert _active_ib_keys(world) == [job[0]]
    assert not wrong

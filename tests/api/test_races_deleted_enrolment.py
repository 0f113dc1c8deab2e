"""An enrolment racing the deletion of its user where the device joins after the deletion read the user's
devices, and before the deletion's own step: the deletion takes the user off it (``drop_left``,
under the device's turn), and the enrolment's ``device.enrolled`` lands before ``user.deleted``, held by the
new device's turn (taken in its create: ``turns.turn_of_new``). The join-then-deletion order is in
``test_races_deleted_holder``."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import trail
from device_race_kit import ADMIN, race_once

from sls_server import create_app

NEW_CARD = "dscplus-joined-since"
WAIT_S = 10  # a bound on a thread waiting for another's step: only reached if the test is broken


def test_a_device_joining_while_its_user_is_deleted_is_recorded_before_the_deletion(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's deletion read his devices (none), then a card enrolled for him joined his list, then the
    deletion's step deleted his record (answering the card as joined since) and took him off the card
    while the enrolment had not yet recorded ``device.enrolled``: with no turn held by the enrolment, the
    deletion ran through and that event came after ``user.deleted``."""
    app = create_app(app_config)
    client = app.test_client()
    body = {"username": "bob", "password": "Correct-Horse-3-Battery", "phone": "+15555550177", "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201
    sls = app.extensions["sls"]
    monkeypatch.setattr("sls_server.accounts.devices.new_device_id", lambda _type: NEW_CARD)
    joined, deletion_on, enrolled = threading.Event(), threading.Event(), threading.Event()
    real_add = sls.store.users.add_device

    def add_device(*args: Any, **kwargs: Any) -> Any:
        """The join, then the enrolment waits until the deletion has run through or waits for a turn."""
        answer = real_add(*args, **kwargs)
        joined.set()
        assert deletion_on.wait(WAIT_S)
        return answer

    def waiting_for_a_turn(_seconds: float) -> None:
        deletion_on.set()
        assert enrolled.wait(WAIT_S)

    monkeypatch.setattr(sls.store.users, "add_device", add_device)
    monkeypatch.setattr("sls_server.turns._pause", waiting_for_a_turn)

    def enrol() -> int:
        card = {"type": "dscplus", "pin": "1234"}
        answer = app.test_client().post("/admin/v1/users/bob/devices", json=card, headers=ADMIN)
        enrolled.set()
        return int(answer.status_code)

    with ThreadPoolExecutor(1) as pool:

        def start_enrolment() -> None:
            started.append(pool.submit(enrol))
            assert joined.wait(WAIT_S)

        started: list[Any] = []
        # the enrolment starts once the deletion holds its turns (none) and has begun: it read bob's devices
        race_once(monkeypatch, sls.store.users, "revoke", start_enrolment)
        deleted = client.delete("/admin/v1/users/bob", headers=ADMIN)
        deletion_on.set()
        assert deleted.status_code == 200, deleted.get_json()
        assert started[0].result(WAIT_S) == 201
    told = [e["type"] for e in trail(client, ADMIN, user="bob")]
    assert told[-1] == "user.deleted", told
    assert "device.enrolled" in told, told
    assert sls.store.devices.get(NEW_CARD) is None  # the deletion took him off it: it was his own

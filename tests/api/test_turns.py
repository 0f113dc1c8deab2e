"""One request at a time changes a device or a phone's IB Key app (``sls_server.turns``).

A turn kept by another request is asked for again after each of ``PAUSES_S``, then the request is told 429
``device_busy`` with ``retry_after`` (and ``Retry-After``), having changed nothing: no PIN checked, none
counted. Requests racing at one app each check their PIN once, where a compare-and-set retried checked it
again (another scrypt) for every write it lost. Across processes: ``tests/e2e/test_races_ibkey_app.py`` and
``tests/e2e/test_races_card_pin.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import UNLOCK, World

import sls_devices.ibkey
from sls_server.turns import PAUSES_S

OTHER = "another-request"


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits for a turn, counted instead of waited."""
    waited: list[float] = []
    monkeypatch.setattr("sls_server.turns._pause", waited.append)
    return waited


def _busy(answer: Any, message: str) -> None:
    assert answer.status_code == 429, answer.get_json()
    assert answer.get_json() == {"error": "device_busy", "message": message, "retry_after": 1}
    assert answer.headers["Retry-After"] == "1"


def test_a_card_whose_turn_another_keeps_is_busy_and_counts_no_pin(
    app: Flask, client: FlaskClient, alice: EnrolledUser, pauses: list[float]
) -> None:
    devices = app.extensions["sls"].store.devices
    assert devices.take_turn(alice.device_id, OTHER, lease_ms=60_000)
    keyed = client.post(
        f"/sim/v1/dscplus/{alice.device_id}/respond", json={"pin": "9999", "challenge": "123456"}
    )
    _busy(keyed, "Other requests are changing this device right now; try again in a second.")
    assert pauses == list(PAUSES_S)
    assert client.get(f"/sim/v1/dscplus/{alice.device_id}").get_json()["pin_attempts_left"] == 3
    devices.end_turn(alice.device_id, OTHER)
    assert alice.card_response("123456")  # the turn given back: the card answers at once
    assert pauses == list(PAUSES_S)


def test_an_ib_key_app_whose_turn_another_keeps_is_busy_and_counts_no_pin(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], pauses: list[float]
) -> None:
    world = World(client, admin_headers)
    phone = world.activated_user("alice", "android")
    ibkey = app.extensions["sls"].store.ibkey
    assert ibkey.take_turn(phone, OTHER, lease_ms=60_000)
    answered = client.post(f"/sim/v1/ibkey/{phone}/respond", json={"pin": "zz99", "challenge": "123456"})
    _busy(answered, "Other requests are using this IB Key app right now; try again in a second.")
    assert pauses == list(PAUSES_S)
    assert client.get(f"/sim/v1/ibkey/{phone}").get_json()["pin_attempts_left"] == 10
    ibkey.end_turn(phone, OTHER)
    answered = client.post(
        f"/sim/v1/ibkey/{phone}/respond", json={"challenge": "123456", **UNLOCK["android"]}
    )
    assert answered.status_code == 200, answered.get_json()


def test_a_turn_is_given_back_after_a_refusal(
    client: FlaskClient, alice: EnrolledUser, pauses: list[float]
) -> None:
    for left in (2, 1):
        keyed = client.post(
            f"/sim/v1/dscplus/{alice.device_id}/respond", json={"pin": "9999", "challenge": "123456"}
        )
        assert keyed.status_code == 403 and keyed.get_json()["pin_attempts_left"] == left
    assert alice.card_response("123456")
    assert pauses == []  # each found the turn free


def test_racing_unlocks_of_one_app_check_each_pin_once(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World(client, admin_headers)
    phone = world.activated_user("alice", "android")
    checks: list[str] = []
    verify: Callable[[str, str], bool] = sls_devices.ibkey.verify_pin

    def counted(pin: str, stored: str) -> bool:
        checks.append(pin)  # list.append is atomic under the GIL
        return verify(pin, stored)

    monkeypatch.setattr(sls_devices.ibkey, "verify_pin", counted)
    racing = 8
    barrier = threading.Barrier(racing)

    def respond(_: int) -> Any:
        own = app.test_client()
        barrier.wait()
        return own.post(f"/sim/v1/ibkey/{phone}/respond", json={"pin": "zz99", "challenge": "123456"})

    with ThreadPoolExecutor(racing) as pool:
        answers = list(pool.map(respond, range(racing)))
    assert [a.status_code for a in answers] == [403] * racing, [a.get_json() for a in answers]
    assert len(checks) == racing
    assert sorted(a.get_json()["pin_attempts_left"] for a in answers) == list(range(10 - racing, 10))

"""Changes of a shared card's holders racing one another: a share of a user read the card before another
change of its holders landed (the other request runs, to its answer, between the share's first read of the
card and its compare-and-set), so the change must be judged again against the card as it is when written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN
from flask import Flask
from flask.testing import FlaskClient

from sls_server import create_app

RaceAfterRead = Callable[[Flask, str, Callable[[], Any]], list[Any]]


@pytest.fixture(name="after_first_read")
def arm_after_first_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[RaceAfterRead]:
    """Arm ``then`` to run, to its answer, on another thread right after the next read of the card: the
    read stands as it was (what the request goes on with), the card changes under it. The answers it gave."""
    answers: list[Any] = []

    def arm(app: Flask, device_id: str, then: Callable[[], Any]) -> list[Any]:
        devices = app.extensions["sls"].store.devices
        real = devices.get

        def get_then(wanted: str) -> Any:
            record = real(wanted)
            if wanted == device_id and not answers:  # once: the racing request reads the card unraced
                answers.append(None)
                with ThreadPoolExecutor(1) as pool:
                    answers[0] = pool.submit(then).result()
            return record

        monkeypatch.setattr(devices, "get", get_then)
        return answers

    yield arm


def share(client: FlaskClient, username: str, device_id: str) -> Any:
    body = {"type": "dscplus", "share_device_id": device_id}
    return client.post(f"/admin/v1/users/{username}/devices", json=body, headers=ADMIN)


def card(client: FlaskClient, device_id: str) -> dict[str, Any]:
    listed = client.get("/admin/v1/users/alice/devices", headers=ADMIN).get_json()["devices"]
    (found,) = [d for d in listed if d["device_id"] == device_id]
    return dict(found)


def devices_of(client: FlaskClient, username: str) -> list[str]:
    listed = client.get(f"/admin/v1/users/{username}/devices", headers=ADMIN)
    return [d["device_id"] for d in listed.get_json().get("devices", [])]


def test_two_shares_of_one_user_at_once_share_once(
    app_config: dict[str, Any], after_first_read: RaceAfterRead
) -> None:
    """Both shares read the card without bob; the second to write found him on it already and did not judge
    again (was: bob twice in ``shared_with``, two ``device.shared`` events and two notices). The one landing
    second answers what a repeated share answers (the card, 201 as every share), and writes, records and
    sends nothing."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    EnrolledUser(client, ADMIN, "bob", "5678")
    raced = after_first_read(app, alice.device_id, lambda: share(app.test_client(), "bob", alice.device_id))
    done = share(client, "bob", alice.device_id)
    assert raced[0].status_code == 201, raced[0].get_json()
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["shared_with"] == ["bob"]
    assert card(client, alice.device_id)["shared_with"] == ["bob"]
    assert len(trail(client, ADMIN, "device.shared", user="bob")) == 1
    assert alice.device_id in devices_of(client, "bob")

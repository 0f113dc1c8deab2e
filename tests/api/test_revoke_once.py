"""A device is revoked once: a repeat, or a revoke racing another, records nothing and texts nothing.

Revoking a device revoked already answered 200 each time, wrote a ``device.revoked`` event each time and
texted the user "Your Digital Security Card+ was removed…" each time; 20 DELETEs at once gave 20 events and
20 texts. Only the revoke that finds the device active changes it now (decided inside the device's
compare-and-set, ``DeviceSharing.revoke``); a repeat by the owner answers 200 with the device as it is, a
repeat by a user the card was shared with (off the card already) 404 ``unknown_device``.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from conftest import EnrolledUser
from flask import Flask
from flask.testing import FlaskClient

PHONE = "+15555550170"
PASSWORD = "Correct-Horse-4-Battery"
RACERS = 20


def _card_user(client: FlaskClient, headers: dict[str, str], name: str = "rita") -> str:
    """A user with a phone (for the notices) and a card; the card's id."""
    body = {"username": name, "password": PASSWORD, "phone": PHONE}
    assert client.post("/admin/v1/users", json=body, headers=headers).status_code == 201
    card = client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=headers
    )
    assert card.status_code == 201, card.get_json()
    return str(card.get_json()["device_id"])


def _revoked_events(client: FlaskClient, headers: dict[str, str], user: str) -> list[dict[str, Any]]:
    answer = client.get(f"/admin/v1/events?user={user}&type=device.revoked", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["events"]  # type: ignore[no-any-return]


def _removal_notices(client: FlaskClient) -> list[str]:
    inbox = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    return [m["text"] for m in inbox if "was removed from your account" in m["text"]]


def test_revoking_a_revoked_device_answers_it_as_it_is_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    card = _card_user(client, admin_headers)
    path = f"/admin/v1/users/rita/devices/{card}"
    answers = [client.delete(path, headers=admin_headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[1].get_json() == answers[2].get_json() == answers[0].get_json()
    assert answers[0].get_json()["status"] == "revoked"
    assert len(_revoked_events(client, admin_headers, "rita")) == 1
    assert len(_removal_notices(client)) == 1


def test_racing_revokes_record_one_event_and_send_one_notice(
    app: Flask, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    card = _card_user(client, admin_headers)
    barrier = threading.Barrier(RACERS)

    def revoke(_: int) -> int:
        own = app.test_client()
        barrier.wait()
        return own.delete(f"/admin/v1/users/rita/devices/{card}", headers=admin_headers).status_code

    with ThreadPoolExecutor(RACERS) as pool:
        assert list(pool.map(revoke, range(RACERS))) == [200] * RACERS
    assert len(_revoked_events(client, admin_headers, "rita")) == 1
    assert len(_removal_notices(client)) == 1


def test_a_sharer_taken_off_a_card_twice_is_told_it_has_no_such_device(
    enrol: Any, admin_headers: dict[str, str]
) -> None:
    alice: EnrolledUser = enrol("alice", "1234")
    bob: EnrolledUser = enrol("bob", "5678")
    share = {"type": "dscplus", "share_device_id": alice.device_id}
    assert bob.client.post("/admin/v1/users/bob/devices", json=share, headers=admin_headers).status_code in (
        200,
        201,
    )
    path = f"/admin/v1/users/bob/devices/{alice.device_id}"
    first = bob.client.delete(path, headers=admin_headers)
    again = bob.client.delete(path, headers=admin_headers)
    assert first.status_code == 200, first.get_json()
    assert again.status_code == 404 and again.get_json()["error"] == "unknown_device"
    assert len(_revoked_events(bob.client, admin_headers, "bob")) == 1

"""A change of a device (an enrolment, a share, a revoke, a sharer's taking off; a card's lock by wrong PINs,
its reset) racing the deletion of the user it names: the change's event and the user's notice are written
holding the device's turn while the device is in the user's list, which their deletion needs, so the trail
never tells of a change to a user deleted before it, and no notice goes to the number of a user who no longer
exists."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from flask import Flask
from flask.testing import FlaskClient

from sls_server import create_app

BOBS_PHONE = "+15555550177"


def _share(client: FlaskClient, username: str, device_id: str) -> Any:
    body = {"type": "dscplus", "share_device_id": device_id}
    return client.post(f"/admin/v1/users/{username}/devices", json=body, headers=ADMIN)


def _bob_with_a_phone(client: FlaskClient) -> None:
    body = {"username": "bob", "password": "Correct-Horse-3-Battery", "phone": BOBS_PHONE, "sms": False}
    created = client.post("/admin/v1/users", json=body, headers=ADMIN)
    assert created.status_code == 201, created.get_json()


def _deleting(app: Flask, username: str) -> Callable[[], int]:
    return lambda: int(app.test_client().delete(f"/admin/v1/users/{username}", headers=ADMIN).status_code)


def _deleted_as_the_turn_ends(
    monkeypatch: pytest.MonkeyPatch, app: Flask, device_id: str, username: str
) -> list[int]:
    """``username`` deleted by another request right after the next change of ``device_id`` gives back the
    device's turn, before the change's event and notice; the deletion's status (``race_once``'s answers)."""
    devices = app.extensions["sls"].store.devices
    return race_once(
        monkeypatch, devices, "end_turn", _deleting(app, username), lambda ref, _t: ref == device_id
    )


def _nothing_told_after_the_deletion(client: FlaskClient, username: str, raced: list[int]) -> None:
    """The racing deletion ran (200) or met the turn (429, its pauses skipped: sent again now); either way
    the user's last event is their deletion: nothing recorded about them, no text sent to them, after it."""
    assert raced[0] in (200, 429), raced
    if raced[0] == 429:
        assert client.delete(f"/admin/v1/users/{username}", headers=ADMIN).status_code == 200
    told = [e["type"] for e in trail(client, ADMIN, user=username)]  # oldest first
    assert told[-1] == "user.deleted", told


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)


def test_a_user_deleted_as_a_share_of_them_ends_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob deleted right after the share gave back the card's turn, before its event: the trail said the
    card was shared with him after he was deleted (``device.shared`` after ``user.deleted``)."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    _bob_with_a_phone(client)
    raced = _deleted_as_the_turn_ends(monkeypatch, app, alice.device_id, "bob")
    shared = _share(client, "bob", alice.device_id)
    assert shared.status_code == 201, shared.get_json()
    _nothing_told_after_the_deletion(client, "bob", raced)


def test_a_user_deleted_while_a_share_texts_its_notice_gets_no_text_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob deleted after the share's notice read his number and before it texted it: the notice went to the
    number of a user deleted before it (``sms.sent`` naming him after ``user.deleted``)."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    _bob_with_a_phone(client)
    sls = app.extensions["sls"]
    raced = _deleted_while_notifying(monkeypatch, app, "bob")
    shared = _share(client, "bob", alice.device_id)
    assert shared.status_code == 201, shared.get_json()
    _nothing_told_after_the_deletion(client, "bob", raced)
    assert sls.store.users.get("bob") is None


def _deleted_while_notifying(monkeypatch: pytest.MonkeyPatch, app: Flask, username: str) -> list[int]:
    """Arm the user's deletion to run, to its answer, right after the next device notice read the user (an
    enrolment's, or a share's or revoke's: ``devices.sharing``)."""
    sls = app.extensions["sls"]
    notifying: list[bool] = []
    real_notify = sls.devices._notify

    def notify(*args: Any, **kwargs: Any) -> Any:
        notifying.append(True)
        try:
            return real_notify(*args, **kwargs)
        finally:
            notifying.clear()

    for telling in (sls.devices, sls.devices.sharing):
        monkeypatch.setattr(telling, "_notify", notify)
    return race_once(
        monkeypatch,
        sls.store.users,
        "get",
        _deleting(app, username),
        lambda name: bool(notifying) and name == username,
    )


def test_a_sharer_deleted_as_he_takes_himself_off_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob takes himself off alice's card and is deleted right after the card left his list: his deletion
    no longer needed the card's turn, and the revoke's ``device.revoked`` about him came after
    ``user.deleted``."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    _bob_with_a_phone(client)
    assert _share(client, "bob", alice.device_id).status_code == 201
    users = app.extensions["sls"].store.users
    raced = race_once(monkeypatch, users, "remove_device", _deleting(app, "bob"))
    off = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
    assert off.status_code == 200, off.get_json()
    _nothing_told_after_the_deletion(client, "bob", raced)
    (card,) = client.get("/admin/v1/users/alice/devices", headers=ADMIN).get_json()["devices"]
    assert card["shared_with"] == [], card


def test_an_owner_deleted_as_her_revoke_ends_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice revokes her card and is deleted right after the revoke gave back its turn: ``device.revoked``
    came after ``user.deleted``."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    raced = _deleted_as_the_turn_ends(monkeypatch, app, alice.device_id, "alice")
    revoked = client.delete(f"/admin/v1/users/alice/devices/{alice.device_id}", headers=ADMIN)
    assert revoked.status_code == 200, revoked.get_json()
    _nothing_told_after_the_deletion(client, "alice", raced)


def _wrong_pin(client: FlaskClient, alice: EnrolledUser) -> Any:
    body = {"pin": "9999", "challenge": "123456"}
    return client.post(f"/sim/v1/dscplus/{alice.device_id}/respond", json=body)


def test_an_owner_deleted_as_her_card_locks_itself_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's third wrong PIN locks her card, and she is deleted right after the card's write gave back
    its turn: ``card.pin_locked`` came after ``user.deleted``."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    assert [_wrong_pin(client, alice).status_code for _ in range(2)] == [403, 403]
    raced = _deleted_as_the_turn_ends(monkeypatch, app, alice.device_id, "alice")
    assert _wrong_pin(client, alice).get_json()["error"] == "wrong_pin"  # its last try: locked now
    _nothing_told_after_the_deletion(client, "alice", raced)
    assert "card.pin_locked" in [e["type"] for e in trail(client, ADMIN, user="alice")]


def test_an_owner_deleted_as_her_card_is_reset_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin resets alice's card, locked by wrong PINs, and she is deleted right after the reset's write
    gave back the card's turn: ``card.reset`` came after ``user.deleted``."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    for _ in range(3):
        _wrong_pin(client, alice)
    raced = _deleted_as_the_turn_ends(monkeypatch, app, alice.device_id, "alice")
    reset = client.post(f"/admin/v1/devices/{alice.device_id}/reset", headers=ADMIN)
    assert reset.status_code == 200, reset.get_json()
    _nothing_told_after_the_deletion(client, "alice", raced)
    assert "card.reset" in [e["type"] for e in trail(client, ADMIN, user="alice")]


def test_an_owner_deleted_as_her_cards_keypad_locks_it_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on the card page's keypad: the OK of a third wrong PIN locks the card, alice is deleted right
    after its write gave back the card's turn, and ``card.pin_locked`` came after ``user.deleted``."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    assert [_wrong_pin(client, alice).status_code for _ in range(2)] == [403, 403]
    page = client.get(f"/sim/card/{alice.device_id}").get_data(as_text=True)
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found
    url, headers = f"/sim/card/{alice.device_id}/keys", {"X-CSRF-Token": found.group(1)}
    state = None
    for key in ("POWER", "9", "9", "9", "9"):
        pressed = client.post(url, json={"key": key, **({"state": state} if state else {})}, headers=headers)
        assert pressed.status_code == 200, pressed.get_json()
        state = pressed.get_json()["state"]
    raced = _deleted_as_the_turn_ends(monkeypatch, app, alice.device_id, "alice")
    locked = client.post(url, json={"key": "OK", "state": state}, headers=headers)
    assert locked.status_code == 200 and locked.get_json()["locked"], locked.get_json()
    _nothing_told_after_the_deletion(client, "alice", raced)
    assert "card.pin_locked" in [e["type"] for e in trail(client, ADMIN, user="alice")]


def _enrol_card(client: FlaskClient, username: str) -> Any:
    return client.post(
        f"/admin/v1/users/{username}/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN
    )


def test_a_user_deleted_as_a_device_of_theirs_joins_is_told_nothing_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob deleted right after a card enrolled for him joined his list, before its event: the enrolment
    held no turn, so the deletion ran through and ``device.enrolled`` (and the notice's ``sms.sent``) came
    after ``user.deleted``. The new card's turn, taken in its create, now holds the deletion off."""
    app = create_app(app_config)
    client = app.test_client()
    _bob_with_a_phone(client)
    users = app.extensions["sls"].store.users
    raced = race_once(monkeypatch, users, "add_device", _deleting(app, "bob"))
    enrolled = _enrol_card(client, "bob")
    assert enrolled.status_code == 201, enrolled.get_json()
    _nothing_told_after_the_deletion(client, "bob", raced)


def test_a_user_deleted_while_an_enrolment_texts_its_notice_gets_no_text_after(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob deleted after the enrolment's notice read his number and before it texted it: the notice went
    to the number of a user deleted before it (``sms.sent`` naming him after ``user.deleted``)."""
    app = create_app(app_config)
    client = app.test_client()
    _bob_with_a_phone(client)
    raced = _deleted_while_notifying(monkeypatch, app, "bob")
    enrolled = _enrol_card(client, "bob")
    assert enrolled.status_code == 201, enrolled.get_json()
    _nothing_told_after_the_deletion(client, "bob", raced)

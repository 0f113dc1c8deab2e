"""Changes of a shared card's holders racing one another: a share of a user read the card before another
change of its holders landed (the other request runs, to its answer, between the share's first read of the
card and its compare-and-set), so the change must be judged again against the card as it is when written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, app_with_limit, race_once, verify_answer
from flask import Flask
from flask.testing import FlaskClient

from sls_devices.ocra import ocra
from sls_server import create_app
from sls_server.store import connect, keys

RaceAfterRead = Callable[[Flask, str, Callable[[], Any]], list[Any]]


@pytest.fixture(name="after_first_read")
def arm_after_first_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[RaceAfterRead]:
    """Arm ``then`` to run, to its answer, on another thread right after the next read of the card: the
    read stands as it was (what the request goes on with), the card changes under it. The answers it gave."""

    def arm(app: Flask, device_id: str, then: Callable[[], Any]) -> list[Any]:
        devices = app.extensions["sls"].store.devices
        return race_once(monkeypatch, devices, "get", then, when=lambda wanted: wanted == device_id)

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


def alice_and_bob(app_config: dict[str, Any]) -> tuple[Flask, FlaskClient, EnrolledUser]:
    """An app of the test's own (a race patches its store), alice with a card and bob with his: the world
    each race here starts from; the app, its client and alice."""
    app = create_app(app_config)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    EnrolledUser(client, ADMIN, "bob", "5678")
    return app, client, alice


def test_two_shares_of_one_user_at_once_share_once(
    app_config: dict[str, Any], after_first_read: RaceAfterRead
) -> None:
    """Both shares read the card without bob; the second to write found him on it already and did not judge
    again (was: bob twice in ``shared_with``, two ``device.shared`` events and two notices). The one landing
    second answers what a repeated share answers (the card, 201 as every share), and writes, records and
    sends nothing."""
    app, client, alice = alice_and_bob(app_config)
    raced = after_first_read(app, alice.device_id, lambda: share(app.test_client(), "bob", alice.device_id))
    done = share(client, "bob", alice.device_id)
    assert raced[0].status_code == 201, raced[0].get_json()
    assert done.status_code == 201, done.get_json()
    assert done.get_json()["shared_with"] == ["bob"]
    assert card(client, alice.device_id)["shared_with"] == ["bob"]
    assert len(trail(client, ADMIN, "device.shared", user="bob")) == 1
    assert alice.device_id in devices_of(client, "bob")


def test_a_share_racing_the_owners_revoke_is_refused(
    app_config: dict[str, Any], after_first_read: RaceAfterRead
) -> None:
    """The share read the card active; alice revoked it before the share's write. The card is judged again
    as written: 400 naming ``share_device_id``, as a share of a revoked card is, and nothing changed (was
    201: bob given a revoked card, a ``device.shared`` event and a notice for it)."""
    app, client, alice = alice_and_bob(app_config)
    path = f"/admin/v1/users/alice/devices/{alice.device_id}"
    raced = after_first_read(app, alice.device_id, lambda: app.test_client().delete(path, headers=ADMIN))
    done = share(client, "bob", alice.device_id)
    assert raced[0].status_code == 200, raced[0].get_json()
    assert done.status_code == 400 and done.get_json()["field"] == "share_device_id", done.get_json()
    assert card(client, alice.device_id)["shared_with"] == []
    assert not trail(client, ADMIN, "device.shared")
    assert alice.device_id not in devices_of(client, "bob")


def test_a_share_racing_the_owners_deletion_is_unknown_device(
    app_config: dict[str, Any], after_first_read: RaceAfterRead
) -> None:
    """Alice, and her card with her, deleted after the share read the card: 404 ``unknown_device`` (the
    compare-and-set finds no card), bob given nothing."""
    app, client, alice = alice_and_bob(app_config)
    raced = after_first_read(
        app, alice.device_id, lambda: app.test_client().delete("/admin/v1/users/alice", headers=ADMIN)
    )
    done = share(client, "bob", alice.device_id)
    assert raced[0].status_code in (200, 204), raced[0].get_json()
    assert done.status_code == 404 and done.get_json()["error"] == "unknown_device", done.get_json()
    assert alice.device_id not in devices_of(client, "bob")
    assert not trail(client, ADMIN, "device.shared")


def test_a_share_racing_the_users_deletion_leaves_the_card_as_it_was(
    app_config: dict[str, Any], after_first_read: RaceAfterRead
) -> None:
    """Bob deleted after the share read the card: his name is taken off the card again (404
    ``unknown_user``), so a user created later under his name is not on it."""
    app, client, alice = alice_and_bob(app_config)
    raced = after_first_read(
        app, alice.device_id, lambda: app.test_client().delete("/admin/v1/users/bob", headers=ADMIN)
    )
    done = share(client, "bob", alice.device_id)
    assert raced[0].status_code in (200, 204), raced[0].get_json()
    assert done.status_code == 404 and done.get_json()["error"] == "unknown_user", done.get_json()
    assert card(client, alice.device_id)["shared_with"] == []
    assert not trail(client, ADMIN, "device.shared")


def test_a_sharer_taken_off_while_being_shared_ends_on_the_card_and_in_his_list_alike(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob takes himself off the card (his revoke of it) after the share wrote the card and before it added
    the card to his devices. The share holds the card's turn through both writes, as the taking-off does,
    so the two run one after the other: bob is on the card and it is in his list, or neither (was: off the
    card, which his list still named: listed to him as his, offered at his login and refused there, the
    trail ending on ``device.shared``). The revoke meeting the held turn is 429 ``device_busy`` (its pauses
    skipped, not waited)."""
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)
    app, client, alice = alice_and_bob(app_config)
    users = app.extensions["sls"].store.users
    real = users.add_device
    answers: list[Any] = []

    def add_then(username: str, device_id: str, **kwargs: Any) -> Any:
        if device_id == alice.device_id and not answers:
            path = f"/admin/v1/users/bob/devices/{alice.device_id}"
            with ThreadPoolExecutor(1) as pool:
                answers.append(pool.submit(lambda: app.test_client().delete(path, headers=ADMIN)).result())
        return real(username, device_id, **kwargs)

    monkeypatch.setattr(users, "add_device", add_then)
    done = share(client, "bob", alice.device_id)
    assert done.status_code == 201, done.get_json()
    on_card = "bob" in card(client, alice.device_id)["shared_with"]
    listed = alice.device_id in devices_of(client, "bob")
    assert on_card == listed, (answers[0].status_code, answers[0].get_json())
    assert answers[0].status_code == (429 if on_card else 200), answers[0].get_json()


def test_a_share_while_the_sharer_is_being_taken_off_ends_on_the_card_and_in_his_list_alike(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order: bob's taking off wrote the card and a share of him comes before the card leaves his
    list. The taking off holds the card's turn through its list's write, so the share is 429
    ``device_busy`` (was 201: bob on the card again, then the card taken from his list)."""
    monkeypatch.setattr("sls_server.turns._pause", lambda _s: None)
    app, client, alice = alice_and_bob(app_config)
    assert share(client, "bob", alice.device_id).status_code == 201
    users = app.extensions["sls"].store.users
    real = users.remove_device
    answers: list[Any] = []

    def remove_then(username: str, device_id: str) -> None:
        if device_id == alice.device_id and not answers:
            with ThreadPoolExecutor(1) as pool:
                answers.append(pool.submit(lambda: share(app.test_client(), "bob", alice.device_id)).result())
        real(username, device_id)

    monkeypatch.setattr(users, "remove_device", remove_then)
    done = client.delete(f"/admin/v1/users/bob/devices/{alice.device_id}", headers=ADMIN)
    assert done.status_code == 200, done.get_json()
    on_card = "bob" in card(client, alice.device_id)["shared_with"]
    listed = alice.device_id in devices_of(client, "bob")
    assert on_card == listed, (answers[0].status_code, answers[0].get_json())
    assert answers[0].status_code == 429 and answers[0].get_json()["error"] == "device_busy", answers[
        0
    ].get_json()


def test_a_share_landing_while_the_user_is_deleted_leaves_no_name_on_the_card(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's deletion read his devices (alice's card not among them) and holds their turns; a share of the
    card to him lands before his record goes. The deletion's last step answers the devices his list held as
    it went, and he is taken off those that joined since (was: the card left naming a user that is gone,
    whom a user created again under the name would inherit, a share to them answered "shared already")."""
    app, client, alice = alice_and_bob(app_config)
    users = app.extensions["sls"].store.users
    real = users.revoke
    answers: list[Any] = []

    def revoke_then(username: str, **kwargs: Any) -> Any:
        if username == "bob" and not answers:
            with ThreadPoolExecutor(1) as pool:
                answers.append(pool.submit(lambda: share(app.test_client(), "bob", alice.device_id)).result())
        return real(username, **kwargs)

    monkeypatch.setattr(users, "revoke", revoke_then)
    deleted = client.delete("/admin/v1/users/bob", headers=ADMIN)
    assert deleted.status_code in (200, 204), deleted.get_json()
    assert card(client, alice.device_id)["shared_with"] == [], answers[0].get_json()


def test_a_user_given_the_card_again_answers_from_its_count_as_soon_as_it_is_in_his_list(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    """Bob's strikes from an earlier stint on alice's card stand at the limit; the card is shared with him
    again, enabled at no count. His strikes were forgotten only after the card joined his list: a right
    answer of his in between was judged on the old ones and refused as a disabled card's (423
    ``device_locked``). They go before the card is in his list, so no login of his answers on it with them."""
    app = app_with_limit(app_config, 3)
    client = app.test_client()
    alice = EnrolledUser(client, ADMIN, "alice", "1234")
    bob = EnrolledUser(client, ADMIN, "bob", "5678")
    revoked = client.delete(f"/admin/v1/users/bob/devices/{bob.device_id}", headers=ADMIN)
    assert revoked.status_code == 200, revoked.get_json()
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes("bob"), alice.device_id, 3)  # left from an earlier stint
    finally:
        strikes.close()

    def right_at_once() -> int | str:
        """Bob's right response, worked out from the card's key (the card's simulator waits for the turn the
        share holds): 200, or the error the verify told."""
        other = app.test_client()
        body = {"username": "bob", "password": bob.password}
        started = other.post("/api/v1/auth/login", json=body).get_json()
        key = bytes.fromhex(alice.card["secret_hex"])
        right = ocra(alice.card["suite"], key, started["factor"]["challenge"], pin=alice.pin)
        done = verify_answer(other, (started["txn_id"], started["login_token"], right), right)
        return int(done.status_code) if done.status_code == 200 else str(done.get_json()["error"])

    users = app.extensions["sls"].store.users
    told = race_once(monkeypatch, users, "add_device", right_at_once, lambda name, *_a, **_k: name == "bob")
    assert share(client, "bob", alice.device_id).status_code == 201
    assert told == [200], told

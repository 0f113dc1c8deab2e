"""A worker reads a user's devices with the user when it knows their ids from an earlier login
(``store/hints.py``); what it offers and accepts must still follow the devices as they are now."""

from __future__ import annotations

from conftest import EnrolledUser


def _offered(alice: EnrolledUser) -> set[str]:
    return {f["device_id"] for f in alice.start_login()["factors"]}


def test_a_card_enrolled_since_the_last_login_is_offered(alice: EnrolledUser, admin_headers) -> None:
    assert _offered(alice) == {alice.device_id}  # this worker now knows alice's one card
    second = alice.client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "4321"}, headers=admin_headers
    )
    assert second.status_code == 201
    assert _offered(alice) == {alice.device_id, second.get_json()["device_id"]}


def test_a_card_revoked_since_the_last_login_is_not_offered(alice: EnrolledUser, admin_headers) -> None:
    second = alice.client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "4321"}, headers=admin_headers
    ).get_json()["device_id"]
    assert _offered(alice) == {alice.device_id, second}
    revoked = alice.client.delete(f"/admin/v1/users/alice/devices/{second}", headers=admin_headers)
    assert revoked.status_code == 200
    assert _offered(alice) == {alice.device_id}

"""A phone device's label follows the user's number: the login's list of factors names the phone the code is
sent to. The label enrolment gives shows the number masked ("SMS +1•••••••0123"); after a number change it
kept showing the old one while the code went to the new."""

from __future__ import annotations

from flask.testing import FlaskClient
from phone_world import MASKED, PHONE, Phone

NEW = "+15555550188"
NEW_MASKED = "+1•••••••0188"


def test_a_phone_devices_label_shows_the_number_it_sends_to_after_a_change(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Sam's SMS device has the label enrolment gives; Vic (one phone device per user and number) has a voice
    device labelled in his own words, which stays."""
    phone = Phone(client, admin_headers)
    assert phone.device["label"] == f"SMS {MASKED}"
    vic = {"username": "vic", "password": "Velvet-Harbor-Vic-58", "phone": PHONE, "sms": False}
    assert client.post("/admin/v1/users", json=vic, headers=admin_headers).status_code == 201
    own_words = client.post(
        "/admin/v1/users/vic/devices", json={"type": "voice", "label": "Desk phone"}, headers=admin_headers
    )
    assert own_words.status_code == 201, own_words.get_json()

    for user in ("sam", "vic"):
        moved = client.put(f"/admin/v1/users/{user}/phone", json={"phone": NEW}, headers=admin_headers)
        assert moved.status_code == 200, moved.get_json()
    for user, label in (("sam", f"SMS {NEW_MASKED}"), ("vic", "Desk phone")):
        listed = client.get(f"/admin/v1/users/{user}/devices", headers=admin_headers).get_json()["devices"]
        assert [device["label"] for device in listed] == [label]
    started = phone.login()
    labels = [factor["label"] for factor in started["factors"]]
    assert f"SMS {NEW_MASKED}" in labels and not any(MASKED in label for label in labels)
    assert started["factor"]["sent_to"] == NEW_MASKED

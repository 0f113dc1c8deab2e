"""A device label is text for people: control characters and bidirectional overrides are refused.

``{"type": "totp", "label": "a\\u0000b\\u001b[31m\\u202e"}`` was enrolled as given, and the label then
coloured the terminal of whoever ran ``sls device list`` and reversed the text after it on the pages. The
``Label`` shape (``sls_server/shapes/common.py``) now refuses C0 and C1 controls, DEL and U+202A-U+202E,
U+2066-U+2069: a 400 naming ``label`` from the admin API and the trainer console alike, nothing enrolled.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from page_forms import Console, admin

PASSWORD = "Correct-Horse-4-Battery"
BAD = [
    "a\u0000b\u001b[31m\u202e",
    "tab\there",
    "new\nline",
    "del\u007f",
    "c1\u0085",
    "c1\u009b31m",
    "\u202aembedding",
    "\u202doverride",
    "\u2066isolate\u2069",
    "\u2068first strong",
    "left\u200emark",  # the invisible direction marks the overrides' list missed
    "right\u200fmark",
    "arabic\u061cmark",
    "line\u2028separator",
    "paragraph\u2029separator",
    "zero\u200bwidth",
    "\ufeffbyte order mark",
]


@pytest.fixture
def user(client: FlaskClient, admin_headers: dict[str, str]) -> str:
    body = {"username": "lee", "password": PASSWORD}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    return "lee"


@pytest.mark.parametrize("label", BAD)
def test_a_label_with_control_or_bidi_characters_is_refused_naming_it(
    client: FlaskClient, admin_headers: dict[str, str], user: str, label: str
) -> None:
    answer = client.post(
        f"/admin/v1/users/{user}/devices", json={"type": "totp", "label": label}, headers=admin_headers
    )
    assert answer.status_code == 400, answer.get_json()
    assert (answer.get_json()["error"], answer.get_json()["field"]) == ("invalid_request", "label")
    assert label not in answer.get_json()["message"]
    assert admin(client, admin_headers, f"/users/{user}/devices")["devices"] == []
    events = client.get(f"/admin/v1/events?user={user}&type=device.enrolled", headers=admin_headers)
    assert events.get_json()["events"] == []


def test_the_trainer_console_refuses_it_as_its_twin_does(
    client: FlaskClient, admin_headers: dict[str, str], user: str
) -> None:
    refused = Console(client).post(f"/trainer/users/{user}/devices", {"type": "totp", "label": BAD[0]}, 400)
    assert refused["field"] == "label"
    assert admin(client, admin_headers, f"/users/{user}/devices")["devices"] == []


@pytest.mark.parametrize("label", ["Mia's DSC+", "téléphone de Zoë", "日本の電話", "x" * 64, "a\u200db"])
def test_printable_labels_in_any_script_are_taken(
    client: FlaskClient, admin_headers: dict[str, str], user: str, label: str
) -> None:
    answer = client.post(
        f"/admin/v1/users/{user}/devices", json={"type": "totp", "label": label}, headers=admin_headers
    )
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["label"] == label

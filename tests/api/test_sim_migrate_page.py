"""The phone page's "Migrate IB Key" route (``POST /sim/phone/<user>/ibkey/migrate``): bad input is a 400
naming the field and starts nothing, a request without the page's CSRF token is refused, and a right
password starts the same migration as ``/sim/v1/ibkey/migrate``. The page itself: tests/browser."""

from __future__ import annotations

from typing import Any

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import script_token


def _page_token(client: FlaskClient, username: str) -> str:
    return script_token(client, f"/sim/phone/{username}")


def _ibkeys(client: FlaskClient, admin: dict[str, str], username: str) -> list[Any]:
    devices = client.get(f"/admin/v1/users/{username}/devices", headers=admin).get_json()["devices"]
    return [d for d in devices if d["type"] == "ibkey"]


def test_bad_input_names_the_field_and_starts_nothing(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    headers = {"X-CSRF-Token": _page_token(client, "alice")}
    url = "/sim/phone/alice/ibkey/migrate"
    bad_platform = client.post(url, json={"platform": "windows", "password": alice.password}, headers=headers)
    assert bad_platform.status_code == 400 and bad_platform.get_json()["field"] == "platform"
    no_password = client.post(url, json={"platform": "ios"}, headers=headers)
    assert no_password.status_code == 400 and no_password.get_json()["field"] == "password"
    not_json = client.post(url, data="platform=ios", headers=headers)
    assert not_json.status_code == 400
    unsigned = client.post(url, json={"platform": "ios", "password": alice.password})
    assert unsigned.status_code == 403 and unsigned.get_json()["error"] == "csrf_token_invalid"
    assert _ibkeys(client, admin_headers, "alice") == []


def test_a_user_without_ib_key_is_told_there_is_nothing_to_migrate(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    headers = {"X-CSRF-Token": _page_token(client, "alice")}
    body = {"platform": "ios", "password": alice.password}
    answer = client.post("/sim/phone/alice/ibkey/migrate", json=body, headers=headers)
    assert answer.status_code == 409
    assert answer.get_json()["error"] == "nothing_to_migrate"
    assert _ibkeys(client, admin_headers, "alice") == []

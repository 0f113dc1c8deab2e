"""The user's own IP Restrictions ("enable IP Restrictions via the Client Portal"): seen with the session
alone, set after a fresh ``change_security`` step-up, never to a list that shuts out the address asking."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask.testing import FlaskClient

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PHONE = "+15555550124"
HERE = "127.0.0.1"  # the test client's address


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Ivy(EnrolledUser):
    def __init__(self, client: FlaskClient) -> None:
        super().__init__(client, ADMIN, "ivy", "1234")
        assert (
            client.put("/admin/v1/users/ivy/phone", json={"phone": PHONE}, headers=ADMIN).status_code == 200
        )

    def put(self, token: str, entries: Any) -> Any:
        return self.client.put(
            "/api/v1/account/ip-allowlist", json={"ip_allowlist": entries}, headers=_bearer(token)
        )

    def stored(self) -> list[str]:
        return self.client.get("/admin/v1/users/ivy/ip-allowlist", headers=ADMIN).get_json()["ip_allowlist"]  # type: ignore[no-any-return]

    def login_from(self, ip: str) -> int:
        answer = self.client.post(
            "/api/v1/auth/login",
            json={"username": "ivy", "password": self.password},
            environ_base={"REMOTE_ADDR": ip},
        )
        return answer.status_code

    def notices(self) -> list[str]:
        texts = self.client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
        return [m["text"] for m in texts if m["purpose"] == "notice"]


@pytest.fixture
def ivy(client: FlaskClient) -> Ivy:
    return Ivy(client)


def test_seeing_them_needs_only_the_session(ivy: Ivy) -> None:
    token = ivy.log_in()
    seen = ivy.client.get("/api/v1/account/ip-allowlist", headers=_bearer(token))
    assert seen.status_code == 200
    assert seen.get_json() == {
        "username": "ivy",
        "ip_allowlist": [],
        "account_id": None,
        "account_ip_allowlist": [],
        "your_address": HERE,
    }
    stranger = ivy.client.application.test_client()  # no session cookie either
    assert stranger.get("/api/v1/account/ip-allowlist").status_code == 401


def test_setting_them_needs_a_fresh_step_up(ivy: Ivy) -> None:
    token = ivy.log_in()
    refused = ivy.put(token, [HERE])
    assert refused.status_code == 401 and refused.get_json()["error"] == "reauth_required"
    assert refused.get_json()["purpose"] == "change_security"
    assert ivy.stored() == []


def test_set_they_keep_every_other_address_out_and_the_phone_is_told(ivy: Ivy) -> None:
    token = ivy.step_up()
    saved = ivy.put(token, [HERE, "198.51.100.7/24", "198.51.100.0/24"])
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["ip_allowlist"] == [HERE, "198.51.100.0/24"]  # normalised, the duplicate dropped
    assert ivy.stored() == [HERE, "198.51.100.0/24"]
    assert ivy.login_from("203.0.113.9") == 403
    assert ivy.login_from("198.51.100.20") == 200
    assert (
        ivy.client.get("/api/v1/session", headers=_bearer(token)).status_code == 200
    )  # this session lives on
    events = ivy.client.get("/admin/v1/events?type=ip.allowlist_changed", headers=ADMIN).get_json()["events"]
    assert [(e["user"], e["detail"]) for e in events] == [("ivy", {"entries": 2, "by": "user"})]
    assert any("IP Restrictions on your account were changed" in text for text in ivy.notices())

    off = ivy.put(token, [])
    assert off.status_code == 200 and off.get_json()["ip_allowlist"] == []
    assert ivy.login_from("203.0.113.9") == 200
    assert any("IP Restrictions on your account were turned off" in text for text in ivy.notices())


def test_a_list_that_would_shut_out_the_address_asking_is_refused(ivy: Ivy) -> None:
    token = ivy.step_up()
    refused = ivy.put(token, ["198.51.100.0/24"])
    assert refused.status_code == 400
    body = refused.get_json()
    assert (body["error"], body["field"], body["your_address"]) == ("invalid_request", "ip_allowlist", HERE)
    assert HERE in body["message"]
    assert ivy.stored() == []
    assert ivy.client.get("/api/v1/session", headers=_bearer(token)).status_code == 200


@pytest.mark.parametrize(
    ("entries", "index"),
    [([HERE, "not-an-address"], 1), (["10.0.0.0/33", HERE], 0), ([HERE, 7], 1)],
)
def test_a_bad_entry_is_named_and_nothing_is_stored(ivy: Ivy, entries: list[Any], index: int) -> None:
    token = ivy.step_up()
    refused = ivy.put(token, entries)
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "ip_allowlist" and refused.get_json()["index"] == index
    assert ivy.stored() == []


def test_the_account_s_list_is_shown_beside_the_user_s(ivy: Ivy) -> None:
    made = ivy.client.post(
        "/admin/v1/accounts",
        json={"account_id": "U1234567", "users": ["ivy"], "ip_allowlist": ["127.0.0.0/8"]},
        headers=ADMIN,
    )
    assert made.status_code == 201, made.get_json()
    token = ivy.log_in()
    seen = ivy.client.get("/api/v1/account/ip-allowlist", headers=_bearer(token)).get_json()
    assert (seen["account_id"], seen["account_ip_allowlist"]) == ("U1234567", ["127.0.0.0/8"])

"""IP restrictions of an account: the list its users share, narrowed by a user's own, and the admin routes
that make accounts and add their users (``test_ip_restrictions.py`` has a user's own list)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from test_ip_restrictions import GOOD, at, login, set_list


def test_accounts(enrol: Any, client: FlaskClient, admin_headers: dict[str, str]) -> None:
    alice, bob, carol = enrol("alice"), enrol("bob"), enrol("carol")
    body = {"account_id": "U1234567", "users": ["alice", "BOB"], "ip_allowlist": ["10.0.0.1/8"]}
    made = client.post("/admin/v1/accounts", json=body, headers=admin_headers)
    assert made.status_code == 201, made.get_json()
    assert made.get_json() == {
        **made.get_json(),
        "account_id": "U1234567",
        "users": ["alice", "bob"],
        "ip_allowlist": ["10.0.0.0/8"],
    }
    set_list(client, admin_headers, "users/bob", ["10.1.0.0/16"])  # bob's own list narrows the account's
    at(client, "10.2.0.1")
    assert login(client, "alice", alice.password).status_code == 200
    assert login(client, "bob", bob.password).status_code == 403
    assert login(client, "carol", carol.password).status_code == 200
    at(client, "10.1.0.1")
    assert login(client, "bob", bob.password).status_code == 200
    at(client, GOOD)
    assert login(client, "alice", alice.password).status_code == 403
    assert login(client, "bob", bob.password).status_code == 403

    added = client.post(
        "/admin/v1/accounts/U1234567/users", json={"username": "carol"}, headers=admin_headers
    )
    assert added.get_json()["users"] == ["alice", "bob", "carol"]
    assert login(client, "carol", carol.password).status_code == 403
    moved = client.put(
        "/admin/v1/accounts/U1234567/ip-allowlist", json={"ip_allowlist": [GOOD]}, headers=admin_headers
    )
    assert moved.get_json()["ip_allowlist"] == [GOOD]
    assert login(client, "carol", carol.password).status_code == 200
    assert login(client, "bob", bob.password).status_code == 403  # in the account's list, not in bob's
    got = client.get("/admin/v1/accounts/U1234567", headers=admin_headers).get_json()
    assert (got["users"], got["ip_allowlist"]) == (["alice", "bob", "carol"], [GOOD])
    bobs = client.get("/admin/v1/users/bob/ip-allowlist", headers=admin_headers).get_json()
    assert bobs == {"username": "bob", "ip_allowlist": ["10.1.0.0/16"], "account_id": "U1234567"}


def test_account_errors(enrol: Any, client: FlaskClient, admin_headers: dict[str, str]) -> None:
    enrol("alice")
    enrol("bob")

    def post(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = client.post(f"/admin/v1/{path}", json=body, headers=admin_headers)
        return answer.status_code, answer.get_json()

    assert post("accounts", {"account_id": "U1", "users": ["alice"]})[0] == 201
    assert post("accounts", {"account_id": "U1"})[1]["error"] == "account_exists"
    assert post("accounts", {"account_id": "U2", "users": ["bob", "alice"]})[1]["error"] == "user_in_account"
    assert post("accounts", {"account_id": "U2", "users": ["ghost"]})[1]["error"] == "unknown_user"
    bad = post("accounts", {"account_id": "U2", "users": ["bob"], "ip_allowlist": ["10.0.0.0/8", "x"]})
    assert (bad[0], bad[1]["field"], bad[1]["index"]) == (400, "ip_allowlist", 1)
    assert post("accounts", {"account_id": "a b"})[1]["field"] == "account_id"
    assert post("accounts", {"users": []})[1]["field"] == "account_id"
    assert post("accounts", {"account_id": "U2", "users": "bob"})[1]["field"] == "users"
    assert client.get("/admin/v1/accounts/U2", headers=admin_headers).status_code == 404  # nothing stored
    assert post("accounts/U2/users", {"username": "bob"})[1]["error"] == "unknown_account"
    assert post("accounts/U1/users", {"username": "ghost"})[1]["error"] == "unknown_user"
    assert post("accounts/U1/users", {"username": "alice"})[0] == 200  # already a member: no change
    unknown = client.put(
        "/admin/v1/accounts/U9/ip-allowlist", json={"ip_allowlist": []}, headers=admin_headers
    )
    assert unknown.get_json()["error"] == "unknown_account"

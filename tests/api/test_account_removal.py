"""Undoing a multi-user account through the admin API: ``GET /admin/v1/accounts``, ``DELETE
/admin/v1/accounts/<id>`` and ``DELETE /admin/v1/accounts/<id>/users/<username>``; each refusal documented,
and changing nothing; a saved world that had accounts deleted and users taken out comes back as it was."""

from __future__ import annotations

from typing import Any

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import world
from spec_conformance import error_codes

from sls_server.store import Store

OUTSIDE = "192.0.2.1"


def call(client: FlaskClient, headers: dict[str, str], method: str, path: str, body: Any = None) -> Any:
    return client.open("/admin/v1" + path, method=method, json=body, headers=headers)


def login_from(client: FlaskClient, user: EnrolledUser, address: str) -> int:
    body = {"username": user.username, "password": user.password}
    answer = client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": address})
    return answer.status_code


def test_accounts_listed_deleted_and_left(
    enrol: Any, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    alice, bob, _ = enrol("alice"), enrol("bob"), enrol("carol")

    def admin(method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = call(client, admin_headers, method, path, body)
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()

    assert admin("GET", "/accounts") == {"accounts": []}
    admin("POST", "/accounts", {"account_id": "U2", "users": ["carol"]}, 201)
    made = admin(
        "POST",
        "/accounts",
        {"account_id": "U1", "users": ["alice", "bob"], "ip_allowlist": ["10.0.0.0/8"]},
        201,
    )
    admin("POST", "/accounts", {"account_id": "U0"}, 201)
    listed = admin("GET", "/accounts")["accounts"]
    assert [(a["account_id"], a["users"]) for a in listed] == [
        ("U0", []),
        ("U1", ["alice", "bob"]),
        ("U2", ["carol"]),
    ]
    assert listed[1] == made
    assert login_from(client, alice, OUTSIDE) == 403

    left = admin("DELETE", "/accounts/U1/users/ALICE")
    assert left == {**made, "users": ["bob"]}
    assert admin("GET", "/users/alice/ip-allowlist")["account_id"] is None
    assert login_from(client, alice, OUTSIDE) == 200  # the account's list no longer applies to her
    assert login_from(client, bob, OUTSIDE) == 403

    admin("PUT", "/users/bob/ip-allowlist", {"ip_allowlist": ["10.1.0.0/16"]})
    assert admin("DELETE", "/accounts/U1") == {"deleted": "U1", "users": ["bob"]}
    assert login_from(client, bob, OUTSIDE) == 403  # his own list stays
    assert login_from(client, bob, "10.1.2.3") == 200
    assert admin("GET", "/users/bob/ip-allowlist") == {
        "username": "bob",
        "ip_allowlist": ["10.1.0.0/16"],
        "account_id": None,
    }
    assert [a["account_id"] for a in admin("GET", "/accounts")["accounts"]] == ["U0", "U2"]
    admin("GET", "/accounts/U1", status=404)

    assert admin("DELETE", "/accounts/U2/users/carol")["users"] == []
    assert admin("GET", "/accounts/U2")["users"] == []  # the account stays, empty

    found = admin("GET", "/events?type=account.deleted")["events"]
    assert [e["detail"] for e in found] == [{"account_id": "U1", "users": 1}]
    found = admin("GET", "/events?type=account.user_removed")["events"]
    assert [(e["user"], e["detail"]) for e in found] == [
        ("alice", {"account_id": "U1"}),
        ("carol", {"account_id": "U2"}),
    ]


def test_each_refusal_is_documented_and_changes_nothing(
    enrol: Any, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    enrol("alice")
    enrol("bob")
    call(
        client,
        admin_headers,
        "POST",
        "/accounts",
        {"account_id": "U1", "users": ["alice"], "ip_allowlist": ["10.0.0.0/8"]},
    )
    spec = client.get("/openapi.json").get_json()
    before = world(client, admin_headers)
    refusals = [
        ("DELETE", "/accounts/U9", "/admin/v1/accounts/{account_id}", 404, "unknown_account", None),
        (
            "DELETE",
            "/accounts/no%20spaces",
            "/admin/v1/accounts/{account_id}",
            400,
            "invalid_request",
            "account_id",
        ),
        (
            "DELETE",
            "/accounts/U9/users/alice",
            "/admin/v1/accounts/{account_id}/users/{username}",
            404,
            "unknown_account",
            None,
        ),
        (
            "DELETE",
            "/accounts/U1/users/bob",
            "/admin/v1/accounts/{account_id}/users/{username}",
            404,
            "user_not_in_account",
            None,
        ),
        (
            "DELETE",
            "/accounts/U1/users/ghost",
            "/admin/v1/accounts/{account_id}/users/{username}",
            404,
            "unknown_user",
            None,
        ),
        (
            "DELETE",
            "/accounts/U1/users/a",
            "/admin/v1/accounts/{account_id}/users/{username}",
            400,
            "invalid_request",
            "username",
        ),
        (
            "DELETE",
            "/accounts/U1/users/alice!",
            "/admin/v1/accounts/{account_id}/users/{username}",
            400,
            "invalid_request",
            "username",
        ),
    ]
    for method, path, template, status, code, field in refusals:
        answer = call(client, admin_headers, method, path)
        assert answer.status_code == status, (path, answer.get_json())
        body = answer.get_json()
        assert body["error"] == code, (path, body)
        assert code in error_codes(spec, spec["paths"][template][method.lower()], status), path
        if field:
            assert body["field"] == field
    not_in = call(client, admin_headers, "DELETE", "/accounts/U1/users/bob").get_json()
    assert (not_in["username"], not_in["account_id"]) == ("bob", "U1")
    for path in ("/accounts/U1", "/accounts/U1/users/alice"):  # a body these routes do not take
        refused = call(client, admin_headers, "DELETE", path, {"force": True})
        assert (refused.status_code, refused.get_json()["field"]) == (400, "body")
    assert call(client, {}, "DELETE", "/accounts/U1").status_code == 401
    assert call(client, {}, "GET", "/accounts").status_code == 401
    assert world(client, admin_headers) == before


def test_a_world_saved_after_accounts_were_undone_comes_back_as_it_was(
    enrol: Any, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    for name in ("alice", "bob", "carol"):
        enrol(name)
    for account_id, users in (("U1", ["alice", "bob"]), ("U2", ["carol"]), ("U3", [])):
        call(client, admin_headers, "POST", "/accounts", {"account_id": account_id, "users": users})
    call(client, admin_headers, "DELETE", "/accounts/U2")
    call(client, admin_headers, "DELETE", "/accounts/U1/users/bob")
    saved = world(client, admin_headers)
    assert [(a["record"]["account_id"], a["members"]) for a in saved["accounts"]] == [
        ("U1", ["alice"]),
        ("U3", []),
    ]
    assert {u["record"]["username"]: u["account"] for u in saved["users"]} == {
        "alice": "U1",
        "bob": None,
        "carol": None,
    }
    loaded = client.post(
        "/admin/v1/state/import?replace=true", json={**saved, "exported_at": 0}, headers=admin_headers
    )
    assert loaded.status_code == 200, loaded.get_json()
    assert world(client, admin_headers) == saved
    listed = call(client, admin_headers, "GET", "/accounts").get_json()["accounts"]
    assert [(a["account_id"], a["users"]) for a in listed] == [("U1", ["alice"]), ("U3", [])]


def test_a_world_saved_in_the_middle_of_a_deletion_loads(
    enrol: Any, client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """The account's record gone, its members' links not yet (a deletion cut short): the document leaves the
    links out, where an import refuses a user naming an account that is not in it."""
    enrol("alice")
    enrol("bob")
    call(client, admin_headers, "POST", "/accounts", {"account_id": "U1", "users": ["alice", "bob"]})
    call(client, admin_headers, "POST", "/accounts", {"account_id": "U2", "users": []})
    store = Store.from_url(redis_url)
    store.access.remove_account("U1", now=1)
    store.access.unlink_account("bob", "U1")
    store.access.link_account(
        "bob", "U2", store.access.incarnation("U2") or ""
    )  # an add to U2 cut short: linked, not yet in its member set
    saved = world(client, admin_headers)
    assert [(a["record"]["account_id"], a["members"]) for a in saved["accounts"]] == [("U2", [])]
    assert [u["account"] for u in saved["users"]] == [None, None]
    loaded = client.post(
        "/admin/v1/state/import?replace=true", json={**saved, "exported_at": 0}, headers=admin_headers
    )
    assert loaded.status_code == 200, loaded.get_json()
    assert world(client, admin_headers) == saved

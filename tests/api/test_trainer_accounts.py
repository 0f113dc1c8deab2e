"""Multi-user accounts from the trainer console (``sls_server/http/pages/trainer_accounts.py``): putting a
user in an account (a new one, or one that exists) and setting the account's IP allowlist from the user's
panel, taking a user out and deleting an account from the Accounts card, must be what ``/admin/v1/accounts``
then reports; a refusal names its field (or why) and changes nothing."""

from __future__ import annotations

import re
from typing import Any

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import Console, admin, world


def test_a_user_put_in_an_account_makes_it_and_the_next_one_joins_it(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    client.post(
        "/admin/v1/users", json={"username": "bob", "password": alice.password}, headers=admin_headers
    )
    made = console.post("/trainer/users/alice/account", {"account_id": "U1234567"})
    assert made["account_id"] == "U1234567" and made["users"] == ["alice"]
    joined = console.post("/trainer/users/bob/account", {"account_id": "U1234567"})
    assert joined["users"] == ["alice", "bob"]
    assert admin(client, admin_headers, "/accounts/U1234567")["users"] == ["alice", "bob"]
    assert admin(client, admin_headers, "/users/bob/ip-allowlist")["account_id"] == "U1234567"
    listed = console.post("/trainer/accounts/U1234567/ip-allowlist", {"ip_allowlist": ["198.51.100.9/24"]})
    assert listed["ip_allowlist"] == ["198.51.100.0/24"]
    assert admin(client, admin_headers, "/accounts/U1234567")["ip_allowlist"] == ["198.51.100.0/24"]
    html = client.get("/trainer/users").get_data(as_text=True)
    shown = r'<input[^>]* value="198\.51\.100\.0/24"[^>]* data-testid="trainer-account-allowlist-bob"'
    assert re.search(shown, html), "bob's panel shows the account's list"


def test_a_refused_account_change_names_its_field_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    console.post("/trainer/users/alice/account", {"account_id": "U1234567"})
    before = world(client, admin_headers)
    assert console.post("/trainer/users/alice/account", {"account_id": "no spaces"}, status=400)["field"] == (
        "account_id"
    )
    assert (
        console.post("/trainer/users/alice/account", {"account_id": ""}, status=400)["field"] == "account_id"
    )
    elsewhere = console.post("/trainer/users/alice/account", {"account_id": "U7654321"}, status=409)
    assert elsewhere["error"] == "user_in_account"
    bad = console.post("/trainer/accounts/U1234567/ip-allowlist", {"ip_allowlist": ["nope"]}, status=400)
    assert (bad["field"], bad["index"]) == ("ip_allowlist", 0)
    console.post("/trainer/accounts/U0000000/ip-allowlist", {"ip_allowlist": []}, status=404)
    assert world(client, admin_headers) == before


def test_the_accounts_card_lists_every_account_and_undoes_them_as_the_admin_api_would(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Any
) -> None:
    enrol("alice")
    enrol("bob")
    console = Console(client)
    for body in (
        {"account_id": "U1", "users": ["alice", "bob"], "ip_allowlist": ["10.0.0.0/8"]},
        {"account_id": "U0"},
    ):
        assert client.post("/admin/v1/accounts", json=body, headers=admin_headers).status_code == 201
    for html in (
        client.get("/trainer").get_data(as_text=True),
        client.get("/trainer/users").get_data(as_text=True),
    ):
        assert 'data-testid="trainer-account-row-U0"' in html, "an account with no users is listed too"
        assert 'data-testid="trainer-account-remove-U1-bob"' in html
        assert re.search(r'data-testid="trainer-account-list-U1">10\.0\.0\.0/8<', html)
    assert 'data-testid="trainer-users"' in client.get("/trainer/users").get_data(as_text=True)

    left = console.post("/trainer/accounts/U1/users/bob/remove")
    assert left == admin(client, admin_headers, "/accounts/U1") and left["users"] == ["alice"]
    assert admin(client, admin_headers, "/users/bob/ip-allowlist")["account_id"] is None
    assert console.post("/trainer/accounts/U1/delete") == {"deleted": "U1", "users": ["alice"]}
    assert [a["account_id"] for a in admin(client, admin_headers, "/accounts")["accounts"]] == ["U0"]
    html = client.get("/trainer/users").get_data(as_text=True)
    assert (
        "trainer-account-row-U1" not in html and 'data-testid="trainer-account-alice"' in html
    )  # "Put in" again


def test_a_refused_removal_or_deletion_names_why_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], enrol: Any
) -> None:
    enrol("alice")
    enrol("bob")
    console = Console(client)
    client.post("/admin/v1/accounts", json={"account_id": "U1", "users": ["alice"]}, headers=admin_headers)
    before = world(client, admin_headers)
    assert console.post("/trainer/accounts/U1/users/bob/remove", status=404)["error"] == "user_not_in_account"
    assert console.post("/trainer/accounts/U1/users/ghost/remove", status=404)["error"] == "unknown_user"
    assert console.post("/trainer/accounts/U9/users/alice/remove", status=404)["error"] == "unknown_account"
    assert console.post("/trainer/accounts/U9/delete", status=404)["error"] == "unknown_account"
    assert console.post("/trainer/accounts/a%20b/delete", status=400)["field"] == "account_id"
    assert world(client, admin_headers) == before

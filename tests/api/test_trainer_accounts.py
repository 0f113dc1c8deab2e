"""Multi-user accounts from the trainer console's user panel (``sls_server/http/pages/trainer_admin.py``):
putting a user in an account (a new one, or one that exists) and setting the account's IP allowlist must be
what ``/admin/v1/accounts`` then reports; a refusal names its field and changes nothing."""

from __future__ import annotations

import re

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

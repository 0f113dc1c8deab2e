"""An account's deletion cut short right after its record went (the worker killed, Redis lost for good) is
finished, not left half done: a ``DELETE`` sent again, a create of the id, or a state import bringing the id
back finishes it, and ``account.deleted`` is recorded once, however many requests finish it at once.

Cut there, it left the record gone and its members' links still naming the id. Nothing but a ``DELETE`` or a
create of the id finished it: a state import bringing the id back made the old members members of the
imported account (their links named it again, its list applied to them), with no event saying so. The
``DELETE`` sent again recorded ``account.deleted`` as if new (two racing recorded it twice), a create of the
id recorded none, and an account with no member cut there was never recorded deleted at all (404).

The cut is a fault injected right after the store's ``access.remove_account`` (what a dying process does
there): everything before and after it is the real code on a real Redis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from flask.testing import FlaskClient
from kill_kit import CUTS, cut_after, deleted_and_cut
from test_state_races import assert_refused_from_outside
from test_state_transfer import export
from test_user_deletion_resumed import keys_of

DESK = {"account_id": "desk-1", "users": ["alice"], "ip_allowlist": ["203.0.113.0/24"]}


def cut_account_deletion(client: FlaskClient, monkeypatch: pytest.MonkeyPatch, cut: str) -> None:
    """``DELETE /admin/v1/accounts/desk-1`` cut right after the store deleted the account's record."""
    store = client.application.extensions["sls"].store
    cuts = cut_after(monkeypatch, store.access, "remove_account", cut)
    deleted_and_cut(client, "/admin/v1/accounts/desk-1", ADMIN, cut)
    assert cuts == [cut]
    assert client.get("/admin/v1/accounts/desk-1", headers=ADMIN).status_code == 404  # the record went


def account_of(client: FlaskClient, name: str) -> str | None:
    return client.get(f"/admin/v1/users/{name}/ip-allowlist", headers=ADMIN).get_json()["account_id"]


def deleted_events(client: FlaskClient) -> list[dict[str, Any]]:
    return [e["detail"] for e in trail(client, ADMIN, "account.deleted")]


def test_a_state_import_bringing_the_id_back_finishes_the_deletion(
    client: FlaskClient, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """desk-1 saved with alice in it; bob joins it after; alice deleted; desk-1's deletion cut; the document
    imported beside the world. bob was never in the document's desk-1, and his link to the old one is
    released first: he is in no account, and its list does not hold him."""
    alice = enrol("alice", "1234")
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    document = export(client, ADMIN)
    bob = enrol("bob", "2468")
    assert (
        client.post("/admin/v1/accounts/desk-1/users", json={"username": "bob"}, headers=ADMIN).status_code
        == 200
    )
    assert client.delete("/admin/v1/users/alice", headers=ADMIN).status_code == 200
    cut_account_deletion(client, monkeypatch, "redis_lost")

    imported = client.post("/admin/v1/state/import?replace=false", json=document, headers=ADMIN)

    assert imported.status_code == 200, imported.get_json()
    assert client.get("/admin/v1/accounts/desk-1", headers=ADMIN).get_json()["users"] == ["alice"]
    assert (account_of(client, "alice"), account_of(client, "bob")) == ("desk-1", None)
    assert_refused_from_outside(alice)
    bob.log_in()  # from anywhere: no list holds him
    [detail] = deleted_events(client)
    assert (detail["account_id"], detail["users"], detail["resumed"]) == ("desk-1", 1, True), detail
    assert set(keys_of(redis_url, "a:desk-1")) == {"sls:{a:desk-1}:account", "sls:{a:desk-1}:members"}


@pytest.mark.parametrize("cut", list(CUTS))
def test_a_deletion_cut_short_is_finished_by_the_delete_sent_again(
    alice: EnrolledUser, redis_url: str, monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    client = alice.client
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, cut)
    assert deleted_events(client) == []

    again = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (again.status_code, again.get_json()) == (200, {"deleted": "desk-1", "users": ["alice"]})
    assert client.delete("/admin/v1/accounts/desk-1", headers=ADMIN).status_code == 404  # nothing left

    [detail] = deleted_events(client)
    assert detail["resumed"] is True and isinstance(detail["begun_at"], int), detail
    assert account_of(client, "alice") is None
    assert keys_of(redis_url, "a:desk-1") == {}  # the mark taken with the rest


def test_an_account_with_no_member_cut_short_is_recorded_deleted_by_the_delete_sent_again(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing to undo but the event: the ``DELETE`` sent again answered 404, and ``account.deleted`` was
    never recorded."""
    empty = {"account_id": "desk-1", "users": [], "ip_allowlist": []}
    assert client.post("/admin/v1/accounts", json=empty, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, "worker_killed")

    again = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (again.status_code, again.get_json()) == (200, {"deleted": "desk-1", "users": []})
    [detail] = deleted_events(client)
    assert (detail["users"], detail["resumed"]) == (0, True), detail


def test_a_create_of_the_id_finishes_the_deletion_first(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The account made again inherits nothing: ``account.deleted`` comes first, then ``account.created``."""
    client = alice.client
    enrol("bob", "2468")
    assert client.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, "redis_lost")

    anew = {"account_id": "desk-1", "users": ["bob"], "ip_allowlist": []}
    assert client.post("/admin/v1/accounts", json=anew, headers=ADMIN).status_code == 201

    assert (account_of(client, "alice"), account_of(client, "bob")) == (None, "desk-1")
    types = [e["type"] for e in trail(client, ADMIN) if e["type"].startswith("account.")]
    assert types[-2:] == ["account.deleted", "account.created"], types
    assert types.count("account.deleted") == 1, types


def test_two_requests_finishing_at_once_record_the_deletion_once(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second ``DELETE`` runs to its end while the first is releasing the members' links: both answer as
    for a deletion, and the trail has one ``account.deleted``."""
    client = alice.client
    enrol("bob", "2468")
    both = {**DESK, "users": ["alice", "bob"]}
    assert client.post("/admin/v1/accounts", json=both, headers=ADMIN).status_code == 201
    cut_account_deletion(client, monkeypatch, "redis_lost")

    app = client.application
    other = race_once(
        monkeypatch,
        app.extensions["sls"].store.access,
        "unlink_account",
        lambda: app.test_client().delete("/admin/v1/accounts/desk-1", headers=ADMIN),
    )
    first = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (first.status_code, other[0].status_code) == (200, 200), (first.get_json(), other[0].get_json())
    assert len(deleted_events(client)) == 1
    assert keys_of(redis_url, "a:desk-1") == {}
    assert (account_of(client, "alice"), account_of(client, "bob")) == (None, None)

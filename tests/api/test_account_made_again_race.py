"""An account deleted and made again under its id while a request was adding a user to it, or creating it:
the user's link then names the same id, in its new making, and the request answered 409 ``user_in_account``
naming the very account it was asked about ("already belongs to another account": which other?). A create
also took itself back by deleting the id, which by then was the other request's new account.

Each race is the real code paused right after one call while another request runs to its answer, on a real
Redis (``kill_kit.race_once``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import EnrolledUser
from device_race_kit import ADMIN, race_once
from flask.testing import FlaskClient

DESK = {"account_id": "U1234567", "users": ["alice"]}
HERE = f"/admin/v1/accounts/{DESK['account_id']}"


def _made_again_by(other: FlaskClient) -> Callable[[], list[int]]:
    """What ``other`` (another request's client) does while the race holds one: deletes the account and makes
    the id again with alice in it; the two statuses."""
    return lambda: [
        other.delete(HERE, headers=ADMIN).status_code,
        other.post("/admin/v1/accounts", json=DESK, headers=ADMIN).status_code,
    ]


def test_a_user_added_while_the_account_was_made_again_with_them_is_added(
    alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The add read the account's making, then the account went and came again with alice in it: the add
    judges the account as it now stands (as the same request sent again would), and alice is in it."""
    client = alice.client
    app = client.application
    assert client.post("/admin/v1/accounts", json={**DESK, "users": []}, headers=ADMIN).status_code == 201
    made_again = _made_again_by(app.test_client())

    raced = race_once(monkeypatch, app.extensions["sls"].store.access, "incarnation", made_again)
    added = client.post(f"{HERE}/users", json={"username": "alice"}, headers=ADMIN)
    assert raced == [[200, 201]]
    assert added.status_code == 200, added.get_json()
    assert added.get_json()["users"] == ["alice"]


def test_an_account_made_again_while_it_was_being_created_is_told_and_left_standing(
    alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The create made its account, then another request deleted it and made the id again with alice in it:
    the create is told the id was made again meanwhile (409 ``account_exists``, not alice "in another
    account" that is the same one), and takes back nothing of the other's account."""
    client = alice.client
    app = client.application
    made_again = _made_again_by(app.test_client())

    raced = race_once(monkeypatch, app.extensions["sls"].store.access, "create_account", made_again)
    created = client.post("/admin/v1/accounts", json=DESK, headers=ADMIN)
    assert raced == [[200, 201]]
    body = created.get_json()
    assert (created.status_code, body["error"]) == (409, "account_exists"), body
    assert "made again" in body["message"], body
    standing = client.get(HERE, headers=ADMIN)
    assert standing.status_code == 200 and standing.get_json()["users"] == ["alice"], standing.get_json()


def test_an_account_made_again_twice_while_a_user_was_added_is_told_so(
    alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made again once more while the add judged it again: 409 ``account_made_again`` naming the account, to
    send again, nothing changed by the add; never ``user_in_account`` naming that same account as
    "another"."""
    client = alice.client
    app = client.application
    access = app.extensions["sls"].store.access
    assert client.post("/admin/v1/accounts", json={**DESK, "users": []}, headers=ADMIN).status_code == 201
    made_again = _made_again_by(app.test_client())
    seen: list[int] = []

    def second_read(*_: object) -> bool:
        """The add's second read of the account's making (the first after this is its link's look)."""
        seen.append(1)
        return len(seen) == 2

    def made_again_then_again() -> list[int]:
        answers = made_again()
        race_once(monkeypatch, access, "incarnation", made_again, when=second_read)
        return answers

    race_once(monkeypatch, access, "incarnation", made_again_then_again)
    added = client.post(f"{HERE}/users", json={"username": "alice"}, headers=ADMIN)
    body = added.get_json()
    assert (added.status_code, body["error"], body["account_id"]) == (409, "account_made_again", "U1234567")
    assert "send it again" in body["message"], body
    assert client.get(HERE, headers=ADMIN).get_json()["users"] == ["alice"]  # as the last making has it

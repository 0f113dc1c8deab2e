"""Two ordinary ``DELETE``s of one user racing, nothing cut short: the second finds the record gone and
finishes the deletion the first is still working through, and may be the one that records ``user.deleted``.
Its detail said ``resumed`` and the feed "a deletion cut short, finished", telling an auditor of a crash
that did not happen. The mark cannot soundly tell a running deletion from one cut short (see
``event_details.deletion_detail``), so the words say what is known: finished by a later request.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, trail
from device_race_kit import ADMIN, race_once
from flask import Flask
from flask.testing import FlaskClient

from sls_server.web.event_words import sentence


def test_a_second_delete_racing_the_first_is_not_called_a_crash(
    app: Flask, client: FlaskClient, alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = app.extensions["sls"].store
    other = race_once(  # right after the first request deleted the record, before it finishes
        monkeypatch,
        store.users,
        "delete",
        lambda: app.test_client().delete("/admin/v1/users/alice", headers=ADMIN),
    )
    first = client.delete("/admin/v1/users/alice", headers=ADMIN)
    assert (first.status_code, other[0].status_code) == (200, 200), (first.get_json(), other[0].get_json())
    deleted: list[dict[str, Any]] = list(trail(client, ADMIN, "user.deleted", user="alice"))
    assert len(deleted) == 1
    assert deleted[0]["detail"]["resumed"] is True  # the racing request, run to its end, recorded it
    assert (
        sentence(deleted[0]) == "User alice deleted: finished by a later request than the one that began it"
    )


def test_a_second_delete_of_an_account_racing_the_first_is_not_called_a_crash(
    app: Flask, client: FlaskClient, alice: EnrolledUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = {"account_id": "desk-1", "users": ["alice"]}
    assert client.post("/admin/v1/accounts", json=desk, headers=ADMIN).status_code == 201
    store = app.extensions["sls"].store
    other = race_once(
        monkeypatch,
        store.access,
        "remove_account",
        lambda: app.test_client().delete("/admin/v1/accounts/desk-1", headers=ADMIN),
    )
    first = client.delete("/admin/v1/accounts/desk-1", headers=ADMIN)
    assert (first.status_code, other[0].status_code) == (200, 200), (first.get_json(), other[0].get_json())
    deleted: list[dict[str, Any]] = list(trail(client, ADMIN, "account.deleted"))
    assert len(deleted) == 1 and deleted[0]["detail"]["resumed"] is True
    said = "Account desk-1 deleted: finished by a later request than the one that began it"
    assert sentence(deleted[0]) == said

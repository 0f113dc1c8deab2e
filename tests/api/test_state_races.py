"""State export and import against the requests running beside them: an export taken while a user's deletion
is unfinished, and an import whose create of a user another request's create of the name beats.

An export taken while a deletion was unfinished (cut short, or still working) wrote a card shared with the
deleted user still naming them, with no such user in the document: its own import refused it (400
``devices``). An import whose create of a user was refused (a create of the name racing it) went on and
wrote the document's devices into the user the other request made, and the rest of the world beside them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import EnrolledUser
from device_race_kit import ADMIN
from test_state_transfer import export
from test_user_deletion_resumed import alice_locked_and_logged_in, cut_deletion


@pytest.mark.parametrize("cut", ["worker_killed", "redis_lost"])
def test_an_export_taken_while_a_deletion_is_unfinished_imports(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser], monkeypatch: pytest.MonkeyPatch, cut: str
) -> None:
    """bob's card, shared with alice while her deletion worked, still names her when the export is taken: the
    document shows the world as it is once the deletion is finished (the card bob's alone), and imports."""
    client = alice.client
    bob = enrol("bob", "2468")
    alice_locked_and_logged_in(alice)
    cut_deletion(client.application, client, monkeypatch, cut, bob.device_id)

    document = export(client, ADMIN)
    loaded = client.post("/admin/v1/state/import?replace=true", json=document, headers=ADMIN)

    assert loaded.status_code == 200, loaded.get_json()
    [card] = document["devices"]
    assert card["device_id"] == bob.device_id and not card.get("shared_with"), card
    assert [u["record"]["username"] for u in document["users"]] == ["bob"]
    [listed] = client.get("/admin/v1/users/bob", headers=ADMIN).get_json()["devices"]
    assert (listed["device_id"], listed["shared_with"]) == (bob.device_id, [])
    bob.log_in()
    assert client.get("/admin/v1/users/alice", headers=ADMIN).status_code == 404

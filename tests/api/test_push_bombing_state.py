"""A push bombing's count of the victim's answers and its verdict, kept by the server
(``GET /admin/v1/attacks/push-bombing``, ``sim/push_bombing_state.py``). The console counted her answers in
the browser, from the feed: a reload lost the count and the verdict fell back to the pushes' expiry, and ``sls
attack push-bombing`` reported once and never learned them."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PASSWORD, World
from page_forms import sign_in_to_console
from test_push_bombing_approved_later import right_number
from test_trainer_attacks import attack

from sls_server.sim.push_bombing import PUSH_IP


def state(client: FlaskClient, headers: dict[str, str], **query: str) -> dict[str, Any]:
    answer = client.get("/admin/v1/attacks/push-bombing", query_string=query, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_none_staged(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    assert state(client, admin_headers) == {"staged": False, "said": "No push bombing has been staged yet."}


def test_each_answer_is_counted_once_and_the_last_concludes_the_verdict(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    report = attack(client, "push_bombing", "alice", PASSWORD)
    first = state(client, admin_headers)
    assert first["verdict"] == "pending" and first["target"] == "alice" and first["ip"] == PUSH_IP, first
    assert (first["pushes"], first["answered"], first["waiting"], first["expired"]) == (3, 0, 3, 0), first
    assert first["until"] == report["waiting"]["until"]
    assert first["report"] == report  # what the console draws again after a reload
    one, two, three = world.notifications(app)
    wrong = next(c for c in one["candidates"] if c != right_number(client, one["txn_id"]))
    assert world.approve(app, one, wrong, pin="12ab").status_code == 401
    assert world.deny(app, two, pin="12ab").status_code == 200
    assert world.deny(app, two, pin="12ab").status_code != 200  # answered again: counted once
    now = state(client, admin_headers, username="ALICE")
    assert now["verdict"] == "pending" and now["answered"] == 2 and now["waiting"] == 1, now
    assert now["answers"] == {"denied": 1, "wrong_number": 1, "refused": 0, "got_in": 0}
    assert now["said"].startswith("alice answered 2 of 3 pushes (1 denied, 1 a wrong number picked); 1 still")
    assert world.deny(app, three, pin="12ab").status_code == 200
    done = state(client, admin_headers)
    assert done["verdict"] == "defences_held" and done["waiting"] == 0 and "until" not in done, done
    assert done["said"] == "alice answered 3 of 3 pushes (2 denied, 1 a wrong number picked)."
    # the console's twin reads the same
    token = sign_in_to_console(client)
    twin = client.get("/trainer/attacks/push-bombing", headers={"X-CSRF-Token": token})
    assert twin.status_code == 200 and twin.get_json() == done


def test_an_approval_lets_the_attacker_in_and_the_rest_expire_at_the_clock(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    note = world.notifications(app)[0]
    assert world.approve(app, note, right_number(client, note["txn_id"]), pin="12ab").status_code == 200
    got_in = state(client, admin_headers)
    assert got_in["verdict"] == "attacker_got_in" and got_in["answers"]["got_in"] == 1, got_in
    client.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
    later = state(client, admin_headers)
    assert (later["answered"], later["expired"], later["waiting"]) == (1, 2, 0), later
    assert later["verdict"] == "attacker_got_in"
    assert (
        later["said"]
        == "alice answered 1 of 3 pushes (1 approved: the attacker got in); 2 expired unanswered."
    )


def test_unanswered_pushes_expire_into_the_defences_holding(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    client.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
    over = state(client, admin_headers, username="alice")
    assert over["verdict"] == "defences_held" and over["expired"] == 3 and over["answered"] == 0, over


def test_another_victim_s_bombing_is_read_by_name(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    """The last one staged is what the console shows; the CLI following its own attack asks by name."""
    world = World(client, admin_headers)
    world.activated_user("alice", "android")
    world.activated_user("bob", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    attack(client, "push_bombing", "bob", PASSWORD)
    assert state(client, admin_headers)["target"] == "bob"
    assert state(client, admin_headers, username="alice")["target"] == "alice"
    assert state(client, admin_headers, username="carol") == {
        "staged": False,
        "said": "No push bombing has been staged yet.",
    }


def test_a_malformed_name_is_refused(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    answer = client.get("/admin/v1/attacks/push-bombing?username=no%20such!", headers=admin_headers)
    assert answer.status_code == 400 and answer.get_json()["field"] == "username", answer.get_json()


def test_it_goes_with_the_victim(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    """Deleted with the user, as the attacker's waits are: a new user of the name has no bombing of hers."""
    world = World(client, admin_headers)
    world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    assert client.delete("/admin/v1/users/alice", headers=admin_headers).status_code == 200
    assert state(client, admin_headers)["staged"] is False

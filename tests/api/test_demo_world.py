"""The demo world kept to go back to (``sls_server/transfer/demo_world.py``): ``sls demo`` keeps the world it
seeded (``PUT /admin/v1/state/demo``); between two runs the trainer puts it back (``POST
/admin/v1/state/demo/restore``, the console's ``/trainer/demo-world/restore``), the rest wiped. A
reset used to leave no way back to the demo's starting point but seeding it again by hand. And a swapped SIM
given back from the console's users table (``/trainer/users/<u>/sim-back``)."""

from __future__ import annotations

import re
from typing import Any

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import Console, admin, csrf, world

SWAPPED = "+15555550123"

#: "Back to the demo world", drawn hidden (no demo world kept yet).
RESTORE_HIDDEN = r'data-testid="world-restore-demo"[^>]*\shidden>'


def _admin(client: FlaskClient, headers: dict[str, str], method: str, path: str, status: int = 200) -> Any:
    answer = client.open("/admin/v1" + path, method=method, headers=headers)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_the_demo_world_comes_back_after_a_reset_and_after_changes(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    kept = _admin(client, admin_headers, "PUT", "/state/demo")
    assert kept == {"kept": {"users": 1, "devices": 1, "accounts": 0, "ibkey_apps": 0, "phones": 0}}
    demo = world(client, admin_headers)
    alice.log_in()  # a session, and the trail, which go with the world
    client.post(
        "/admin/v1/users", json={"username": "mallory", "password": "Plum-Sketch-9"}, headers=admin_headers
    )
    _admin(client, admin_headers, "POST", "/reset")
    assert admin(client, admin_headers, "/users")["users"] == []
    back = _admin(client, admin_headers, "POST", "/state/demo/restore")
    assert back == {"imported": kept["kept"], "replaced": True}
    assert world(client, admin_headers) == demo
    assert admin(client, admin_headers, "/users/alice/sessions")["sessions"] == []
    trail = admin(client, admin_headers, "/events")["events"]
    assert (trail[0]["type"], trail[0]["detail"]["replaced"]) == ("state.imported", True)  # the trail anew
    assert trail[0]["detail"]["demo_world"] is True  # the feed says "Back to the demo world", not an import
    # when the world was kept, over the reset: the keep's own event went with the trail (cli.world_sync)
    assert (
        int(trail[0]["id"].split("-")[0]) - 60_000
        < trail[0]["detail"]["kept_at_ms"]
        <= int(trail[0]["id"].split("-")[0])
    )
    assert {e["type"] for e in trail} == {"state.imported", "state.exported"}  # the export: world() above
    alice.log_in()  # her password and card work again


def test_the_console_restores_it_beside_reset_and_only_when_one_is_kept(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    console = Console(client)
    assert re.search(
        RESTORE_HIDDEN, client.get("/trainer").get_data(as_text=True)
    )  # there for the feed to show
    refused = console.post("/trainer/demo-world/restore", status=409)
    assert refused["error"] == "conflict" and "sls demo" in refused["message"]
    assert admin(client, admin_headers, "/users")["users"] == ["alice"]  # nothing changed
    _admin(client, admin_headers, "PUT", "/state/demo")
    drawn = client.get("/trainer").get_data(as_text=True)
    assert 'data-testid="world-restore-demo"' in drawn and not re.search(RESTORE_HIDDEN, drawn)
    kept = admin(client, admin_headers, "/events?type=state.exported")["events"][-1]
    assert kept["detail"]["demo_world"] is True  # what tells a console drawn before to show it
    demo = world(client, admin_headers)
    console.post("/trainer/users/alice/delete")
    assert console.post("/trainer/demo-world/restore")["imported"]["users"] == 1
    assert world(client, admin_headers) == demo
    # the room reads the button the trainer pressed, not a bare "State imported"
    found = console.post("/trainer/events/filter", {"type": "state.imported"})["events"]
    assert [e["said"] for e in found] == [
        "Back to the demo world: 1 user and 1 device as sls demo seeded them"
    ]


def test_a_plain_import_is_still_said_as_one(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    document = _admin(client, admin_headers, "GET", "/state/export")
    imported = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)
    assert imported.status_code == 200, imported.get_json()
    console = Console(client)
    found = console.post("/trainer/events/filter", {"type": "state.imported"})["events"]
    assert [e["said"] for e in found] == ["State imported"]
    assert "demo_world" not in found[0]["detail"]


def test_restoring_with_none_kept_is_a_409_and_changes_nothing(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    before = world(client, admin_headers)
    refused = _admin(client, admin_headers, "POST", "/state/demo/restore", status=409)
    assert refused["error"] == "conflict"
    assert world(client, admin_headers) == before


def test_a_swapped_sim_is_given_back_from_the_console_its_other_conditions_kept(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    client.put("/admin/v1/users/alice/phone", json={"phone": SWAPPED}, headers=admin_headers)
    swap = {"sim_swapped_to": "attacker", "roaming": True}
    assert client.put(f"/sim/v1/phones/{SWAPPED}/conditions", json=swap).status_code == 200
    console = Console(client)
    assert 'data-testid="trainer-sim-back-alice"' in client.get("/trainer/users").get_data(as_text=True)
    assert console.post("/trainer/users/alice/sim-back") == {"username": "alice", "sim_swapped": False}
    conditions = client.get(f"/sim/v1/phones/{SWAPPED}/conditions").get_json()
    assert conditions["sim_swapped_to"] is None and conditions["roaming"] is True
    assert 'data-testid="trainer-sim-back-alice"' not in client.get("/trainer/users").get_data(as_text=True)
    # The event is alice's, as the swap's is (over /sim/v1 too, since its number's owners are known): the
    # feed reads "alice's phone: back to normal" after "alice's SIM moved", not a masked number, and a search
    # of the trail for alice finds both.
    query = {"user": "alice", "type": "phone.conditions_changed"}
    given_back = client.get("/admin/v1/events", query_string=query, headers=admin_headers).get_json()
    assert [e["detail"]["sim_swapped"] for e in given_back["events"]] == [True, False]
    client.put("/admin/v1/users/alice/phone", json={"phone": None}, headers=admin_headers)


def test_the_new_console_actions_need_the_sign_in_and_the_pages_token(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    _admin(client, admin_headers, "PUT", "/state/demo")
    token = csrf(client.get("/trainer").get_data(as_text=True))
    before = world(client, admin_headers)
    for path in ("/trainer/demo-world/restore", "/trainer/users/alice/sim-back"):
        assert client.post(path, json={}, headers={"X-CSRF-Token": token}).status_code == 401, path
    Console(client)
    for path in ("/trainer/demo-world/restore", "/trainer/users/alice/sim-back"):
        assert client.post(path, json={}).get_json()["error"] == "csrf_token_invalid", path
    assert world(client, admin_headers) == before


def test_a_password_s_version_changes_with_it_and_comes_back_with_the_demo_world(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """``password_version``: the server's own mark of the password a user has, which ``sls`` stamps
    demo.json's passwords with (``cli.world_marks``) to tell, after the console's restore, which one the
    server holds, without comparing the CLI's clock with the server's (two machines, a clock moved)."""
    first = admin(client, admin_headers, "/users/alice")["password_version"]
    _admin(client, admin_headers, "PUT", "/state/demo")
    client.post("/admin/v1/clock", json={"advance_s": 86_400}, headers=admin_headers)
    changed = client.put(
        "/admin/v1/users/alice/password", json={"password": "Violet-Harbour-42"}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.get_json()
    second = admin(client, admin_headers, "/users/alice")["password_version"]
    assert second != first and len(second) == 16
    assert "Violet" not in second and alice.password not in second
    _admin(client, admin_headers, "POST", "/state/demo/restore")
    assert admin(client, admin_headers, "/users/alice")["password_version"] == first


def test_the_users_list_gives_every_user_s_password_version_in_one_answer(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """``sls world`` checks every demo user's password in one call: the list answers each user's
    ``password_version`` as the user's own view shows it, and follows a change made by any client."""
    listed = admin(client, admin_headers, "/users")
    assert listed["users"] == ["alice"]
    assert listed["password_versions"] == {
        "alice": admin(client, admin_headers, "/users/alice")["password_version"]
    }
    changed = client.put(
        "/admin/v1/users/alice/password", json={"password": "Violet-Harbour-42"}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.get_json()
    now = admin(client, admin_headers, "/users")["password_versions"]["alice"]
    assert now != listed["password_versions"]["alice"]
    assert now == admin(client, admin_headers, "/users/alice")["password_version"]


def test_the_users_list_gives_every_user_s_phone_in_the_same_answer(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """``sls world`` shows the number the server holds, set by the admin API or the console's users table as
    much as by sls, from the one list it asks for: each user's phone (null without one), as their own view
    shows it, and following a change."""
    made = client.post(
        "/admin/v1/users", json={"username": "mallory", "password": "Plum-Sketch-9"}, headers=admin_headers
    )
    assert made.status_code == 201, made.get_json()
    listed = admin(client, admin_headers, "/users")
    assert listed["phones"] == {
        "alice": admin(client, admin_headers, "/users/alice")["phone"],
        "mallory": None,
    }
    moved = client.put("/admin/v1/users/alice/phone", json={"phone": SWAPPED}, headers=admin_headers)
    assert moved.status_code == 200, moved.get_json()
    assert admin(client, admin_headers, "/users")["phones"]["alice"] == SWAPPED


def test_whether_a_demo_world_is_kept_is_said(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser
) -> None:
    """``sls demo --keep`` asks before it keeps the world it finds: one kept before stays the way back."""
    assert _admin(client, admin_headers, "GET", "/state/demo") == {"kept": False, "kept_at_ms": None}
    _admin(client, admin_headers, "PUT", "/state/demo")
    held = _admin(client, admin_headers, "GET", "/state/demo")
    assert held["kept"] is True and isinstance(held["kept_at_ms"], int), held
    _admin(client, admin_headers, "POST", "/reset")  # a reset keeps it
    assert _admin(client, admin_headers, "GET", "/state/demo") == held

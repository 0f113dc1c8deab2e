"""Phone-level events name the phone's owner where the phone is known to be theirs.

``phone.restarted`` from the user's own phone page, and ``ibkey.settings_changed`` from the IB Key app (whose
users the app knows), named no user: the trainer's feed and ``sls events --user X`` could not tie them to
anyone. They now carry the owner (the app's users in ``detail.users``), and no secret.
"""

from __future__ import annotations

from ibkey_world import PHONES, UNLOCK, World, ibkey_world  # noqa: F401  (the world fixture)
from page_forms import script_token


def test_a_restart_from_the_users_phone_page_names_the_user(world: World) -> None:
    world.user("alice")
    put = world.client.put(f"/sim/v1/phones/{PHONES['alice']}/conditions", json={"needs_restart": True})
    assert put.status_code == 200
    token = script_token(world.client, "/sim/phone/alice")
    restarted = world.client.post("/sim/phone/alice/restart", json={}, headers={"X-CSRF-Token": token})
    assert restarted.status_code == 200, restarted.get_json()
    events = world.events("phone.restarted", "alice")
    assert len(events) == 1 and events[0]["detail"]["number"] == "+1•••••••0001"


def test_the_ib_key_apps_setting_names_its_users(world: World) -> None:
    world.user("alice")
    world.user("bob")
    app = world.activated("alice", "android")
    added = world.client.post(
        f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": "Amber-Falcon-Ibkey-17"}
    )
    assert added.status_code == 201
    assert world.activate(app, "bob", world.code(PHONES["bob"]), **UNLOCK["android"]).status_code == 200
    switched = world.client.put(f"/sim/v1/ibkey/{app}/settings", json={"notifications": False})
    assert switched.status_code == 200, switched.get_json()
    for name in ("alice", "bob"):
        [event] = world.events("ibkey.settings_changed", name)
        assert event["detail"]["notifications"] is False
        assert event["detail"]["users"] == ["alice", "bob"]


def test_phone_events_over_sim_v1_name_the_numbers_owners(world: World) -> None:
    """``sls phone restart NUMBER`` and ``sls phone conditions NUMBER`` know only the number: the events name
    each user whose phone it is now (a number changed away from is no longer theirs)."""
    world.user("alice")
    world.user("bob")
    number = PHONES["alice"]
    put = world.client.put(f"/sim/v1/phones/{number}/conditions", json={"needs_restart": True})
    assert put.status_code == 200
    assert world.client.post(f"/sim/v1/phones/{number}/restart").status_code == 200
    [restarted] = world.events("phone.restarted", "alice")
    [changed] = world.events("phone.conditions_changed", "alice")
    assert restarted["detail"]["number"] == changed["detail"]["number"] == "+1•••••••0001"
    assert world.events("phone.restarted", "bob") == []
    moved = world.client.put(
        "/admin/v1/users/alice/phone", json={"phone": "+15550100009"}, headers=world.headers
    )
    assert moved.status_code == 200, moved.get_json()
    assert world.client.post(f"/sim/v1/phones/{number}/restart").status_code == 200
    assert len(world.events("phone.restarted", "alice")) == 1  # the old number is no longer hers
    assert world.client.post("/sim/v1/phones/+15550100009/restart").status_code == 200
    assert len(world.events("phone.restarted", "alice")) == 2

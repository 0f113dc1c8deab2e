"""IB Key when a login changes its prompt (M2FS): a push its login stopped waiting for leaves the app, and a
switch from the push to the card is remembered as the default. Split from ``test_ibkey.py``."""

from __future__ import annotations

from flask import Flask
from ibkey_world import PASSWORD, UNLOCK, World, ibkey_world, push_login  # noqa: F401  (the world fixture)


def test_the_app_drops_a_push_once_its_login_asks_for_a_challenge_instead(world: World, app: Flask) -> None:
    """ "Use Challenge/Response instead" on the login page: the app stops showing that login's push, which
    could only fail if tapped; another login's push stays."""
    phone = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", phone)
    other, _ = push_login(world, "alice", phone)
    core = app.extensions["sls"]
    typed = core.logins.switch(
        started["txn_id"],
        started["login_token"],
        "ibkey",
        None,
        now=core.clock.now(),
        ip=None,
        mode="challenge",
    )
    assert typed["factor"]["mode"] == "challenge"
    assert [n["txn_id"] for n in world.notifications(phone)] == [other["txn_id"]]
    stale = world.approve(phone, note, started["factor"]["match"], pin=UNLOCK["android"]["pin"])
    assert stale.status_code == 404, stale.get_json()


def test_m2fs_switch_from_a_push_to_the_card_and_the_default_is_remembered(world: World) -> None:
    name = world.user("alice")
    app = world.activated(name, "android")
    card = world.client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=world.headers
    ).get_json()
    started = world.login(name)
    assert {f["type"] for f in started["factors"]} == {"ibkey", "dscplus"}
    to_push = world.client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "ibkey"})
    assert to_push.get_json()["factor"]["mode"] == "push"
    note = world.note_for(app, started["txn_id"])
    switched = world.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "dscplus", "device_id": card["device_id"]},
    )
    assert switched.status_code == 200
    assert world.notifications(app) == [], "the app no longer shows a push its login stopped waiting for"
    challenge = switched.get_json()["factor"]["challenge"]
    answer = world.client.post(
        f"/sim/v1/dscplus/{card['device_id']}/respond", json={"pin": "1234", "challenge": challenge}
    ).get_json()["response"]
    assert world.verify(started["txn_id"], answer).status_code == 200  # no longer waiting for the push
    late = world.approve(app, note, note["candidates"][0], pin=UNLOCK["android"]["pin"])
    assert late.status_code in (404, 409), late.get_json()  # the login is settled: the push can't be used
    assert world.login(name)["factor"]["type"] == "dscplus"  # the card is now the remembered default


def test_a_push_names_the_address_of_the_login_that_sent_it(world: World) -> None:
    """The audit trail (and the trainer's feed, which marks an attacker's address) says from where the login
    that sent a push came: a push bombing's pushes are the attacker's, sent on a login opened or switched
    from the attacker's address."""
    name = world.user("alice")
    world.activated(name, "android")
    world.client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=world.headers
    )
    attacker = {"REMOTE_ADDR": "198.51.100.66"}
    started = world.client.post(
        "/api/v1/auth/login", json={"username": name, "password": PASSWORD}, environ_base=attacker
    ).get_json()
    if started["factor"]["type"] != "ibkey":
        switched = world.client.post(
            f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "ibkey"}, environ_base=attacker
        )
        assert switched.status_code == 200, switched.get_json()
    again = world.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "ibkey"}, environ_base=attacker
    )
    assert again.status_code == 200, again.get_json()  # a new push on the same login: sent by a switch
    pushes = world.events("push.sent", name)
    assert len(pushes) >= 2 and {e.get("ip") for e in pushes} == {"198.51.100.66"}, pushes


def test_a_push_refused_by_the_push_limit_names_the_address_that_asked(world: World) -> None:
    """``push.rate_limited`` named no address: a push bombing's refusals read as the user's own. It names the
    client whose login the limit refused, as ``push.sent`` does."""
    name = world.user("alice")
    world.activated(name, "android")
    attacker = {"REMOTE_ADDR": "198.51.100.66"}
    for expected in ("push", "push", "push", "challenge"):  # SLS_PUSH_LIMIT: 3 pushes per window
        started = world.client.post(
            "/api/v1/auth/login", json={"username": name, "password": PASSWORD}, environ_base=attacker
        ).get_json()
        assert started["factor"]["mode"] == expected, started
    assert started["factor"]["reason"] == "push_limited"
    assert [e.get("ip") for e in world.events("push.rate_limited", name)] == ["198.51.100.66"]

"""A simulated phone set to approve IB Key pushes by itself (``approves_pushes``, a phone condition): each
push that reaches it is approved as it arrives, through the same approval a person's tap makes (signed by the
app, checked by the server), so a script logs an IB Key user in unattended, and a trainer shows push
fatigue: the attacker's login is approved too, and the trail says the phone did it by itself
(docs/authenticators.md)."""

from __future__ import annotations

import pytest
from conftest import TOPOLOGY
from ibkey_world import PASSWORD, PHONES, World, ibkey_world  # noqa: F401  (the world fixture)

ATTACKER = {"REMOTE_ADDR": "198.51.100.77"}


def _set(world: World, name: str, on: bool) -> dict[str, object]:
    put = world.client.put(f"/sim/v1/phones/{PHONES[name]}/conditions", json={"approves_pushes": on})
    assert put.status_code == 200, put.get_json()
    return put.get_json()  # type: ignore[no-any-return]


def test_off_by_default_and_set_like_the_other_conditions(world: World) -> None:
    world.user("alice")
    shown = world.client.get(f"/sim/v1/phones/{PHONES['alice']}/conditions").get_json()
    assert shown["approves_pushes"] is False
    assert _set(world, "alice", True)["approves_pushes"] is True
    assert world.client.get(f"/sim/v1/phones/{PHONES['alice']}/conditions").get_json()["approves_pushes"]
    bad = world.client.put(f"/sim/v1/phones/{PHONES['alice']}/conditions", json={"approves_pushes": "maybe"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "approves_pushes"
    assert world.client.get(f"/sim/v1/phones/{PHONES['alice']}/conditions").get_json()["approves_pushes"]


def test_a_push_is_approved_as_it_arrives_and_the_login_completes(world: World) -> None:
    app = world.activated_user("alice", "android")
    _set(world, "alice", True)
    started = world.login("alice")
    assert started["factor"]["mode"] == "push"
    assert world.notifications(app) == []  # answered already
    polled = world.poll(started["txn_id"])
    assert polled["state"] == "authenticated", polled
    approved = world.events("push.approved", "alice")[-1]
    assert approved["detail"]["by_itself"] is True and approved["result"] == "approved"


def test_off_the_push_waits_for_a_person(world: World) -> None:
    app = world.activated_user("alice", "android")
    _set(world, "alice", True)
    _set(world, "alice", False)
    started = world.login("alice")
    assert [n["txn_id"] for n in world.notifications(app)] == [started["txn_id"]]
    assert world.poll(started["txn_id"])["state"] == "pending"
    assert not world.events("push.approved", "alice")


def test_the_attackers_login_is_approved_too_and_the_trail_says_so(world: World) -> None:
    world.activated_user("alice", "ios")
    _set(world, "alice", True)
    started = world.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, environ_base=ATTACKER
    ).get_json()
    polled = world.client.get(f"/api/v1/auth/login/{started['txn_id']}", environ_base=ATTACKER).get_json()
    assert polled["state"] == "authenticated", polled
    approved = world.events("push.approved", "alice")[-1]
    assert approved["ip"] == ATTACKER["REMOTE_ADDR"] and approved["detail"] == {"by_itself": True}


def test_a_switch_to_a_push_is_approved_too(world: World) -> None:
    """A login that began on a challenge (the phone abroad) and switches to a push once it is back."""
    world.activated_user("alice", "android")
    put = world.client.put(
        f"/sim/v1/phones/{PHONES['alice']}/conditions", json={"roaming": True, "approves_pushes": True}
    )
    assert put.status_code == 200, put.get_json()
    started = world.login("alice")
    assert started["factor"]["mode"] == "challenge"
    assert world.poll(started["txn_id"])["state"] == "pending"
    _set(world, "alice", True)  # home again: not roaming
    switched = world.client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "ibkey"})
    assert switched.status_code == 200, switched.get_json()
    assert switched.get_json()["factor"]["mode"] == "push"
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_a_locked_app_approves_nothing_and_the_push_waits(world: World) -> None:
    """No PIN is asked of a phone that approves by itself, but an app locked by wrong PINs signs nothing."""
    app = world.activated_user("alice", "android")
    for _ in range(10):
        refused = world.respond(app, "123456", pin="99zz")
        assert refused.status_code in (403, 423), refused.get_json()
    assert world.respond(app, "123456", pin="12ab").get_json()["error"] == "app_locked"
    _set(world, "alice", True)
    started = world.login("alice")
    assert [n["txn_id"] for n in world.notifications(app)] == [started["txn_id"]]
    assert world.poll(started["txn_id"])["state"] == "pending"
    assert not world.events("push.approved", "alice")


@pytest.mark.skipif(TOPOLOGY != "single", reason="counts one redis-server's reads")
def test_a_push_to_a_phone_not_so_set_reads_nothing_more_for_it(world: World, redis_url: str) -> None:
    """Whether the phone approves by itself is read with its other conditions as the push is sent (roaming):
    only a phone so set is read again to approve. The hook first read the device and the phone's conditions
    again after every push: two round trips more for every IB Key login, 8 where it took 6 before the hook
    (``PUSH_LOGIN``, measured on the code before it)."""
    from round_trip_kit import collector_held, own_reads, reads

    from sls_server.store import connect

    world.activated_user("alice", "android")
    world.login("alice")  # this worker has now seen alice (``store/hints.py``): the warm count below
    observer = connect(redis_url)
    try:
        with collector_held(observer):
            before = reads(observer)
            world.login("alice")
            spent = reads(observer) - before - own_reads(observer)
    finally:
        observer.close()
    assert spent <= PUSH_LOGIN, spent


#: Round trips of an IB Key push login's start in a worker that has seen the user, as before the hook.
PUSH_LOGIN = 6

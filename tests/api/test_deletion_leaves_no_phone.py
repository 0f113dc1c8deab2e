"""A deleted user leaves nothing of their phone's behind on the user's side of the world: the simulated
phone of a number no user has any more (its texts, calls, count, conditions, outbox cursor, owners) and an
IB Key app with no user left on it (its record and its push inbox) go with the user.

Both stayed for ever, with no expiry: a QA farm or a kept demo that creates and deletes users kept every
number's inbox and every phone's app it ever made (``scripts/soak_state.py`` counted them growing with the
rounds, docs/operations.md "What grows with what"). A number another user still has keeps its phone, and a
phone's app another user is still on stays installed.
"""

from __future__ import annotations

from ibkey_world import PASSWORD, PHONES, UNLOCK, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

from sls_server.store import connect


def keys_of(redis_url: str, tag: str) -> list[str]:
    client = connect(redis_url)
    try:
        return sorted(str(key) for key in client.scan_iter(match=f"sls:{{{tag}}}:*"))
    finally:
        client.close()


def texted(world: World, name: str) -> None:
    """A login of ``name`` by SMS, so the number has a text, a count and an outbox cursor."""
    enrolled = world.client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "sms"}, headers=world.headers
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    started = world.client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert started.status_code == 200, started.get_json()
    latest = world.client.get(f"/sim/v1/outbox/latest-code?number={PHONES[name]}")
    assert latest.status_code in (200, 404)  # gateway mode's route: absent here, which is fine
    conditions = world.client.put(f"/sim/v1/phones/{PHONES[name]}/conditions", json={"roaming": True})
    assert conditions.status_code == 200, conditions.get_json()


def test_a_deleted_users_number_leaves_no_phone(world: World, redis_url: str) -> None:
    world.user("alice")
    texted(world, "alice")
    assert keys_of(redis_url, f"p:{PHONES['alice']}") != []

    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    assert keys_of(redis_url, f"p:{PHONES['alice']}") == []


def test_a_number_another_user_has_keeps_its_phone(world: World, redis_url: str) -> None:
    world.user("alice")
    shared = world.client.post(
        "/admin/v1/users",
        json={"username": "bob", "password": PASSWORD, "sms": False, "phone": PHONES["alice"]},
        headers=world.headers,
    )
    assert shared.status_code == 201, shared.get_json()
    texted(world, "alice")
    before = world.client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]

    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    after = world.client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]
    assert after == before  # bob's phone still: its texts stay
    assert keys_of(redis_url, f"p:{PHONES['alice']}") != []


def test_a_deleted_users_ibkey_app_goes_with_them(world: World, redis_url: str) -> None:
    app = world.activated_user("alice", "android")
    push_login(world, "alice", app)  # a push waiting in the app's inbox
    assert keys_of(redis_url, f"ibapp:{app}") != [] and keys_of(redis_url, f"ibpush:{app}") != []

    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    assert keys_of(redis_url, f"ibapp:{app}") == []
    assert keys_of(redis_url, f"ibpush:{app}") == []
    assert world.client.get(f"/sim/v1/ibkey/{app}").status_code == 404


def test_a_phones_app_another_user_is_on_stays(world: World, redis_url: str) -> None:
    app = world.activated_user("alice", "android")
    world.user("bob")
    added = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 201, added.get_json()
    done = world.activate(app, "bob", world.code(PHONES["bob"]), **UNLOCK["android"])
    assert done.status_code == 200, done.get_json()

    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    assert keys_of(redis_url, f"ibapp:{app}") != []
    assert [u["username"] for u in world.client.get(f"/sim/v1/ibkey/{app}").get_json()["users"]] == ["bob"]

"""A world kept from the release before (form 2) holds what that release left for good: the simulated phone
of a deleted user's number (its owners still naming her), the IB Key app her deletion emptied, a number its
user moved away from and one nobody ever had (texted, or its conditions set), all without a TTL. This
release's deletion and change of number reclaim them (``test_deletion_leaves_no_phone.py``,
``test_moved_number_expires.py``); the upgrade at start-up does once what they would have done.

Each world is built by this release and then put back, key by key, as the release before left it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ibkey_world import PASSWORD, PHONES, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

from sls_server.store import Store, keys
from sls_server.store.phones import MOVED_AWAY_KEPT_S
from sls_server.store.upgrade import STATE_FORM, upgrade_stored_state

NOBODYS = "+15550109999"


@pytest.fixture
def store(redis_url: str) -> Iterator[Store]:
    opened = Store.from_url(redis_url)
    try:
        yield opened
    finally:
        opened.close()


def _phone_keys(store: Store, number: str) -> dict[str, int]:
    """Each key of the number's phone, with its TTL (-1: none)."""
    found = store.client.scan_iter(match=f"sls:{{p:{number}}}:*")
    return {k.decode() if isinstance(k, bytes) else str(k): int(store.client.ttl(k)) for k in found}


def _as_before(store: Store, saved: dict[str, bytes]) -> None:
    """Keys put back as the release before left them: as dumped, with no TTL."""
    for key, value in saved.items():
        store.client.delete(key)
        store.client.restore(key, 0, value)


def _dump(store: Store, match: str) -> dict[str, bytes]:
    found = [k.decode() if isinstance(k, bytes) else str(k) for k in store.client.scan_iter(match=match)]
    return {k: store.client.dump(k) for k in found}  # type: ignore[misc]


def _kept_from_form_2(store: Store) -> None:
    store.client.set(keys.STATE_FORM, 2)


def _sms_user(world: World, name: str) -> None:
    world.user(name)
    enrolled = world.client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "sms"}, headers=world.headers
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    started = world.client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert started.status_code == 200, started.get_json()


def test_a_deleted_users_phone_left_before_goes_at_the_upgrade(world: World, store: Store) -> None:
    _sms_user(world, "alice")
    saved = _dump(store, f"sls:{{p:{PHONES['alice']}}}:*")
    assert keys.phone_owners(PHONES["alice"]) in saved and len(saved) >= 3
    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    _as_before(store, saved)  # the release before left the phone, its owners naming alice
    _kept_from_form_2(store)

    assert upgrade_stored_state(store) is True
    assert _phone_keys(store, PHONES["alice"]) == {}
    assert int(store.client.get(keys.STATE_FORM)) == STATE_FORM


def test_a_number_whose_user_is_still_there_keeps_its_phone(world: World, store: Store) -> None:
    """Bob has the number alice had before him: her name among its owners goes, his phone stays for good,
    and is reclaimed when he goes (no stale owner keeps it)."""
    _sms_user(world, "alice")
    shared = world.client.post(
        "/admin/v1/users",
        json={"username": "bob", "password": PASSWORD, "sms": False, "phone": PHONES["alice"]},
        headers=world.headers,
    )
    assert shared.status_code == 201, shared.get_json()
    saved = _dump(store, f"sls:{{p:{PHONES['alice']}}}:*")
    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    _as_before(store, saved)
    _kept_from_form_2(store)

    upgrade_stored_state(store)
    kept = _phone_keys(store, PHONES["alice"])
    assert len(kept) == len(saved) and all(
        ttl == -1 for key, ttl in kept.items() if not key.endswith(":outbox")
    )
    assert store.phones.owners(PHONES["alice"]) == ["bob"]
    assert world.client.delete("/admin/v1/users/bob", headers=world.headers).status_code == 200
    assert _phone_keys(store, PHONES["alice"]) == {}


def test_a_number_moved_away_from_or_never_owned_is_given_its_ttl(world: World, store: Store) -> None:
    _sms_user(world, "alice")
    old = PHONES["alice"]
    moved = world.client.put(
        "/admin/v1/users/alice/phone", json={"phone": "+15550100077"}, headers=world.headers
    )
    assert moved.status_code == 200, moved.get_json()
    typed = world.client.put(f"/sim/v1/phones/{NOBODYS}/conditions", json={"roaming": True})
    assert typed.status_code == 200, typed.get_json()
    for number in (old, NOBODYS):  # the release before gave none a TTL, nor took alice off the old one
        for key in _phone_keys(store, number):
            store.client.persist(key)
    store.client.sadd(keys.phone_owners(old), "alice")
    _kept_from_form_2(store)

    upgrade_stored_state(store)
    for number in (old, NOBODYS):
        ttls = _phone_keys(store, number)
        assert ttls and all(MOVED_AWAY_KEPT_S - 60 < ttl <= MOVED_AWAY_KEPT_S for ttl in ttls.values()), ttls
    assert store.phones.owners(old) == []
    assert all(ttl == -1 for ttl in _phone_keys(store, "+15550100077").values())


def test_an_ibkey_app_emptied_before_goes_at_the_upgrade(world: World, store: Store) -> None:
    app = world.activated_user("alice", "android")
    push_login(world, "alice", app)
    saved = _dump(store, f"sls:{{ibapp:{app}}}:app")
    assert world.client.delete("/admin/v1/users/alice", headers=world.headers).status_code == 200
    _as_before(store, saved)  # as the release before left it: no user on it, nobody being added
    store.client.hset(keys.ibkey_app(app), mapping={"users": "{}", "pending": "{}"})
    store.client.hset(keys.ibkey_inbox(app), "stale", "{}")
    _kept_from_form_2(store)

    upgrade_stored_state(store)
    assert not store.client.exists(keys.ibkey_app(app), keys.ibkey_inbox(app))
    assert world.client.get(f"/sim/v1/ibkey/{app}").status_code == 404


def test_an_ibkey_app_with_a_user_stays(world: World, store: Store) -> None:
    app = world.activated_user("alice", "android")
    _kept_from_form_2(store)

    upgrade_stored_state(store)
    assert store.client.exists(keys.ibkey_app(app))
    assert [u["username"] for u in world.client.get(f"/sim/v1/ibkey/{app}").get_json()["users"]] == ["alice"]


def test_an_app_written_since_it_was_read_empty_is_kept(world: World, store: Store) -> None:
    """The app's check and delete are one step: a user who joined it between the upgrade's read and its
    delete (another version) keeps it."""
    app = world.activated_user("alice", "android")
    read = store.ibkey.get_app(app)
    assert read is not None
    store.client.hincrby(keys.ibkey_app(app), "version", 1)  # written since

    assert store.ibkey.delete_app_at(app, read.version) is False
    assert store.client.exists(keys.ibkey_app(app))
    assert store.ibkey.delete_app_at(app, read.version + 1) is True
    assert not store.client.exists(keys.ibkey_app(app))

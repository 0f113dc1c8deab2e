"""How ``phone_release.lua``, ``phone_own.lua`` and ``phone_conditions_set.lua`` keep a number's phone, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a
number another user still has keeps its phone, whoever leaves it; the last owner's deletion drops every key
of it at once, a move away sets each key without an expiry of its own to expire, and the outbox cursor
keeps its own; a user given the number again makes every key of it but the cursor good for good; a
number's conditions expire only while nobody has it. Through ``PhoneRepo``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys
from sls_server.store.phones import CALLS, MESSAGES, MOVED_AWAY_KEPT_S
from sls_server.store.records import PhoneConditions

NUMBER = "+15550001111"
BOXES = [keys.phone_box(NUMBER, MESSAGES), keys.phone_box(NUMBER, CALLS)]
KEPT = [*BOXES, keys.phone_sent_count(NUMBER), keys.phone_conditions(NUMBER)]  # no expiry of their own
CURSOR, OWNERS = keys.outbox_cursor(NUMBER), keys.phone_owners(NUMBER)
CURSOR_TTL = 500
KEEP = 1000


@pytest.fixture
def store(store: Store) -> Store:
    store.phones.add_owner(NUMBER, "alice")
    for box in BOXES:
        store.client.rpush(box, "{}")
    store.client.set(keys.phone_sent_count(NUMBER), 2)
    store.client.hset(keys.phone_conditions(NUMBER), "roaming", "1")
    store.client.set(CURSOR, "m1", ex=CURSOR_TTL)
    return store


def ttls(store: Store) -> dict[str, int]:
    return {key: int(store.client.ttl(key)) for key in KEPT}


def test_a_number_another_user_has_keeps_its_phone(store: Store) -> None:
    store.phones.add_owner(NUMBER, "bob")
    assert store.phones.release(NUMBER, "alice", keep_s=KEEP) is False
    assert store.phones.owners(NUMBER) == ["bob"]
    assert ttls(store) == dict.fromkeys(KEPT, -1)
    assert store.phones.release(NUMBER, "alice") is False  # one who left already: nothing more
    assert ttls(store) == dict.fromkeys(KEPT, -1) and store.client.exists(CURSOR)


def test_the_last_owners_deletion_drops_the_phone_at_once(store: Store) -> None:
    assert store.phones.release(NUMBER, "alice") is True
    assert not any(store.client.exists(key) for key in (*KEPT, CURSOR, OWNERS))


def test_a_move_away_sets_the_phone_to_expire_and_the_cursor_keeps_its_own(store: Store) -> None:
    assert store.phones.release(NUMBER, "alice", keep_s=KEEP) is True
    assert all(KEEP - 5 < ttl <= KEEP for ttl in ttls(store).values()), ttls(store)
    assert 0 < store.client.ttl(CURSOR) <= CURSOR_TTL
    assert not store.client.exists(OWNERS)


def test_a_number_given_again_keeps_its_phone_for_good_but_the_cursor(store: Store) -> None:
    store.phones.release(NUMBER, "alice", keep_s=KEEP)
    store.phones.add_owner(NUMBER, "carol")
    assert store.phones.owners(NUMBER) == ["carol"]
    assert ttls(store) == dict.fromkeys(KEPT, -1)
    assert 0 < store.client.ttl(CURSOR) <= CURSOR_TTL
    assert store.client.ttl(OWNERS) == -1


def test_conditions_expire_only_while_nobody_has_the_number(store: Store) -> None:
    store.client.hset(keys.phone_conditions(NUMBER), "roaming_texts", 3)
    store.phones.set_conditions(NUMBER, PhoneConditions(carrier_blocks_sms=True, delivery_delay_s=7))
    assert store.phones.conditions(NUMBER) == PhoneConditions(carrier_blocks_sms=True, delivery_delay_s=7)
    assert "roaming_texts" not in store.client.hgetall(keys.phone_conditions(NUMBER))  # replaced, not merged
    assert store.client.ttl(keys.phone_conditions(NUMBER)) == -1
    nobodys = "+15550002222"
    store.phones.set_conditions(nobodys, PhoneConditions(roaming=True))
    assert store.phones.conditions(nobodys) == PhoneConditions(roaming=True)
    assert MOVED_AWAY_KEPT_S - 5 < store.client.ttl(keys.phone_conditions(nobodys)) <= MOVED_AWAY_KEPT_S

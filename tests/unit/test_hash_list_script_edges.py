"""The store's generic hash and list helpers where ``scripts/lua_mutation.py`` found no test held
(CONTRIBUTING.md, "Mutation testing of the Lua scripts", the sixth run): each compare-and-set's refusal
answers False and writes nothing, its success answers True and writes exactly what it was given; a capped
list keeps its newest entries, and a handset nobody has expires with its count while an owned one stays;
a lease is let go by its holder only; a sign-out ends the record and its index entry and tells the door.
Through the store's methods, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys, phones
from sls_server.store.records import AccountRecord, DeviceRecord, TextMessage, UserRecord

NOW = 1_900_000_000
HANDSET = "+15555550123"


def text(n: int) -> TextMessage:
    return TextMessage(f"m{n}", NOW + n, NOW + n, "IBKR", HANDSET, "hi", None, "notice")


# --- list_push_capped.lua -------------------------------------------------------------------------------


def test_a_capped_list_keeps_exactly_its_newest_entries(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phones, "KEEP_MESSAGES", 3)
    sent = [text(n) for n in range(4)]
    for message in sent:
        store.phones.push_message(HANDSET, message)
    assert store.phones.messages(HANDSET) == sent[:0:-1]  # the newest three, newest first


def test_a_handset_nobody_has_expires_with_its_count(store: Store) -> None:
    store.phones.next_seq(HANDSET)  # its count of texts and calls, as a send makes it
    store.phones.push_message(HANDSET, text(1))
    box = keys.phone_box(HANDSET, phones.MESSAGES)
    assert 0 < store.client.ttl(box) <= phones.MOVED_AWAY_KEPT_S
    assert 0 < store.client.ttl(keys.phone_sent_count(HANDSET)) <= phones.MOVED_AWAY_KEPT_S


def test_an_owned_handset_keeps_its_texts_and_count_for_good(store: Store) -> None:
    store.phones.add_owner(HANDSET, "alice")
    store.phones.next_seq(HANDSET)
    store.phones.push_message(HANDSET, text(1))
    assert store.client.ttl(keys.phone_box(HANDSET, phones.MESSAGES)) == -1
    assert store.client.ttl(keys.phone_sent_count(HANDSET)) == -1


# --- swap_field.lua, replace_field.lua, hset_if_exists.lua (on a user) -----------------------------------


@pytest.fixture
def alice(store: Store) -> Store:
    store.users.create(UserRecord("alice", "h1", NOW))
    return store


def user_field(store: Store, name: str) -> str | None:
    value = store.client.hget(keys.user("alice"), name)
    return None if value is None else str(value)


def test_a_claim_of_an_unclaimed_phone_device_is_written(alice: Store) -> None:
    assert alice.users.claim_phone_device("alice", None, "d1") is True
    assert user_field(alice, "phone_device") == "d1"
    assert alice.users.claim_phone_device("alice", "d1", "d2") is True  # held as read: passes on
    assert user_field(alice, "phone_device") == "d2"


def test_a_claim_no_longer_held_as_read_is_refused(alice: Store) -> None:
    alice.users.claim_phone_device("alice", None, "d1")
    assert alice.users.claim_phone_device("alice", None, "d2") is False  # d1 claimed meanwhile
    assert alice.users.claim_phone_device("alice", "d9", "d2") is False
    assert user_field(alice, "phone_device") == "d1"


def test_a_claim_on_a_user_gone_is_refused_and_makes_no_stub(store: Store) -> None:
    assert store.users.claim_phone_device("alice", None, "d1") is False
    assert store.client.exists(keys.user("alice")) == 0


def test_a_password_hash_is_replaced_only_while_it_holds_what_was_read(alice: Store) -> None:
    assert alice.users.replace_field("alice", "password_hash", "h0", "h2") is False  # changed meanwhile
    assert user_field(alice, "password_hash") == "h1"
    assert alice.users.replace_field("alice", "password_hash", "h1", "h2") is True
    assert user_field(alice, "password_hash") == "h2"


def test_fields_are_set_on_a_user_that_exists_only(alice: Store) -> None:
    assert alice.users.set_fields("alice", {"default_device": "d1"}) is True
    assert user_field(alice, "default_device") == "d1"
    assert alice.users.set_fields("bob", {"default_device": "d1"}) is False
    assert alice.client.exists(keys.user("bob")) == 0


# --- create_hash.lua, update_hash_versioned.lua (on a device, an account) --------------------------------


def card() -> DeviceRecord:
    return DeviceRecord("card", "dscplus", "alice", "active", created_at=NOW, pin_failures=0)


def test_a_device_is_created_once_with_its_fields_and_no_expiry(store: Store) -> None:
    assert store.devices.create(card()) is True
    assert store.devices.get("card") == card()
    assert store.client.ttl(keys.device("card")) == -1
    taken = DeviceRecord("card", "dscplus", "bob", "active", created_at=NOW + 1, pin_failures=0)
    assert store.devices.create(taken) is False
    assert store.devices.get("card") == card()


def test_an_account_is_refused_while_its_deletion_has_work_left_only(store: Store) -> None:
    account = AccountRecord("U1", NOW, ("192.0.2.0/24",))
    store.client.hset(keys.account_deletion("U1"), "incarnation", "old")
    assert store.access.create_account(account) is None
    assert store.client.exists(keys.account("U1")) == 0
    store.client.delete(keys.account_deletion("U1"))
    assert store.access.create_account(account) is not None
    assert store.access.account_allowlist("U1") == ("192.0.2.0/24",)


def test_a_versioned_write_bumps_the_version_by_one_and_writes_its_fields(store: Store) -> None:
    store.devices.create(card())
    assert store.devices.update("card", 0, {"pin_failures": 2, "status": "locked"}) == "ok"
    written = store.devices.get("card")
    assert written is not None
    assert (written.pin_failures, written.status, written.version) == (2, "locked", 1)
    assert store.devices.update("card", 0, {"pin_failures": 3}) == "conflict"
    assert store.devices.update("ghost", 0, {"pin_failures": 3}) == "missing"
    assert store.client.hget(keys.device("card"), "pin_failures") == "2"


# --- hash_drop_at_version.lua, lease_release.lua, outbox_hand_out.lua, console_sign_in_end.lua ------------


def test_an_app_is_dropped_only_at_the_version_read(store: Store) -> None:
    store.client.hset(keys.ibkey_app("app"), mapping={"platform": "android", "version": "1"})
    assert store.ibkey.delete_app_at("app", 0) is False  # written since
    assert store.client.exists(keys.ibkey_app("app")) == 1
    assert store.ibkey.delete_app_at("app", 1) is True
    assert store.client.exists(keys.ibkey_app("app")) == 0


def test_a_lease_is_let_go_by_its_holder_only(store: Store) -> None:
    assert store.devices.take_turn("card", "t1", lease_ms=60_000)
    store.devices.end_turn("card", "t2")  # a holder whose lease ran out and was taken
    assert store.client.get(keys.device_turn("card")) == "t1"
    store.devices.end_turn("card", "t1")
    assert store.client.exists(keys.device_turn("card")) == 0


def test_a_code_is_handed_out_once(store: Store) -> None:
    assert store.gateway.hand_out(HANDSET, "m1", keep_s=60) is True
    assert store.gateway.hand_out(HANDSET, "m1", keep_s=60) is False
    assert store.gateway.hand_out(HANDSET, "m2", keep_s=60) is True


def test_a_sign_out_ends_the_record_and_its_index_entry_and_tells_the_door(store: Store) -> None:
    store.console.create(
        "dg", door="trainer", fingerprint="fp", now=NOW, idle_until=NOW + 60, until=NOW + 600
    )
    assert store.console.end("dg") == "trainer"
    assert store.client.exists(keys.console_sign_in("dg")) == 0
    assert store.client.zscore(keys.CONSOLE_SIGN_INS, "dg") is None
    assert store.console.end("dg") is None

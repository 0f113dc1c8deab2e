"""Repositories take and return typed records, on a real redis-server: what is written reads back
as written, the scripts' own writes (counters, flags, a switch clearing a field) read back typed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from session_create_kit import IBKEY_TXN

from sls_server.store import Store, phones
from sls_server.store.records import (
    AccountRecord,
    AppRecord,
    AppUser,
    DeviceRecord,
    Event,
    LockoutState,
    LoginTxn,
    PhoneConditions,
    PushNotification,
    SessionRecord,
    TextMessage,
    UserAccess,
    UserRecord,
)

NOW = 1_900_000_000


@pytest.fixture
def store(redis_url: str) -> Store:
    store = Store.from_url(redis_url)
    store.users.create(UserRecord("alice", "hash", NOW, phone="+15555550100", epoch="e1"))
    return store


def test_users(store: Store) -> None:
    assert store.users.get("alice") == UserRecord("alice", "hash", NOW, phone="+15555550100", epoch="e1")
    assert store.users.set_fields("alice", {"default_device": "card"})
    assert store.users.revoke("alice", disabled=True, epoch="e2", now=0) == []
    found = store.users.get("alice")
    assert found is not None and (found.disabled, found.epoch, found.default_device) == (True, "e2", "card")
    assert store.users.get("nobody") is None


def test_devices_and_their_script_written_fields(store: Store) -> None:
    device = DeviceRecord("ibkey-1", "ibkey", "alice", "active", NOW, app_id="app", handset="+1555")
    assert store.devices.create(replace(device, version=7))
    assert store.devices.get("ibkey-1") == device  # stored at version 0
    assert store.devices.update("ibkey-1", 0, {"handset": None, "push_enabled": False}) == "ok"
    assert store.devices.get("ibkey-1") == replace(device, version=1, handset=None, push_enabled=False)
    assert store.lockout.device_failed("ibkey-1", "bob", limit=2) == (0, "missing")  # not bob's: uncounted
    assert store.lockout.device_failed("ibkey-1", "alice", limit=2) == (1, "counted")
    assert store.lockout.device_failed("ibkey-1", "alice", limit=2) == (2, "disabled")
    assert store.lockout.device_failed("ibkey-1", "alice", limit=2) == (2, "locked")  # never past the limit
    assert store.lockout.device_failed("gone", "alice", limit=2) == (0, "missing")
    failed = store.devices.get("ibkey-1")
    assert failed is not None and (failed.factor_failures, failed.factor_locked) == (2, True)
    assert store.totp.accept_step("ibkey-1", 5) and store.totp.last_step("ibkey-1") == 5
    assert store.devices.get_many(["ibkey-1", "gone"]) == [store.devices.get("ibkey-1")]


def test_a_login_and_a_switch_that_clears_the_push_mode(store: Store) -> None:
    txn = replace(IBKEY_TXN, mode="push", match="42", nonce="ff")
    store.logins.create(txn, now=NOW)
    assert store.logins.get(txn.txn_id) == txn
    fields = {"factor": "dscplus", "device_id": "card", "mode": None, "challenge": "123456"}
    assert store.logins.reserve_switch(txn.txn_id, now=NOW + 1) == ("ok", 1)
    assert store.logins.get(txn.txn_id) == replace(txn, switches_left=4)  # the prompt still as it was
    committed = store.logins.commit_switch(
        txn.txn_id, now=NOW + 1, ticket=1, expires_at=NOW + 61, fields=fields
    )
    assert committed == ("ok", NOW + 61)
    switched = store.logins.get(txn.txn_id)
    assert switched == replace(
        txn,
        factor="dscplus",
        device_id="card",
        mode=None,
        challenge="123456",
        expires_at=NOW + 61,
        switches_left=4,
        prompt_no=1,
    )
    # two racing switches: the older one's prompt is refused before sending and given back, though a later
    # reservation stands; the later one's prompt is written, then it too is given back (a send refused after)
    assert store.logins.reserve_switch(txn.txn_id, now=NOW + 2) == ("ok", 2)
    assert store.logins.reserve_switch(txn.txn_id, now=NOW + 2) == ("ok", 3)
    assert store.logins.release_switch(txn.txn_id)
    assert store.logins.get(txn.txn_id) == replace(switched, switches_left=3)
    assert store.logins.commit_switch(
        txn.txn_id, now=NOW + 2, ticket=2, expires_at=NOW + 62, fields=fields
    ) == ("switched", 0)  # an older reservation never overwrites a newer one's prompt
    assert store.logins.release_switch(txn.txn_id)
    assert store.logins.get(txn.txn_id) == replace(switched, switches_left=4)  # nothing sent: none spent
    assert store.logins.reserve_switch(txn.txn_id, now=NOW + 3) == ("ok", 4)  # tickets never repeat
    assert store.logins.get("not-an-id") is None


def test_a_session_reads_back_extended_and_listed(store: Store) -> None:
    session = SessionRecord(
        "alice~" + "a" * 64,
        "alice",
        NOW,
        NOW + 600,
        NOW + 3600,
        NOW,
        "dscplus",
        epoch="e1",
        verified={"withdrawal": NOW + 300},
    )
    assert store.sessions.create(session, now=NOW, concurrency="replace", limit=10, epoch="e1") == ("ok", [])
    touched = store.sessions.touch(session.id, now=NOW + 10, idle_timeout=600, mode="extend")
    assert touched.status == "ok"
    assert touched.record == replace(session, idle_expires_at=NOW + 610, last_seen_at=NOW + 10)
    assert store.sessions.for_user("alice", now=NOW + 10) == [touched.record]


def test_lockout_state(store: Store) -> None:
    for n in range(2):
        store.lockout.settle(
            "alice",
            "all",
            now=NOW,
            attempt_id=f"a{n}",
            ok=False,
            threshold=2,
            wait_increment_s=60,
            max_wait_s=600,
            permanent_after=0,
        )
    assert store.lockout.state("alice") == {  # the lock reset the count of its run, not of the failures
        "all": LockoutState(failures=0, locks=1, locked_until=NOW + 60, failed=2, locked_at=NOW)
    }
    reserved = store.lockout.reserve("alice", "all", now=NOW + 60, threshold=2, attempt_id="a2")
    assert reserved == ("ok", 0, 2)  # what the login after the lock tells the user of
    store.lockout.forget_failures("alice", "all")  # that login succeeded
    assert store.lockout.state("alice") == {}


def test_an_inbox_keeps_its_newest_texts_only(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phones, "KEEP_MESSAGES", 3)
    sent = [TextMessage(f"m{n}", NOW + n, NOW + n, "IBKR", "+1555", "hi", None, "notice") for n in range(5)]
    for text in sent:
        store.phones.push_message("+1555", text)
    assert store.phones.messages("+1555") == sent[:1:-1]


def test_phones_access_and_events(store: Store) -> None:
    assert store.phones.conditions("+1555") == PhoneConditions()
    roaming = PhoneConditions(roaming=True, delivery_delay_s=5)
    store.phones.set_conditions("+1555", roaming)
    assert store.phones.conditions("+1555") == roaming
    text = TextMessage("m", NOW, NOW, "IBKR", "+1555", "hi", None, "notice")
    store.phones.push_message("+1555", text)
    assert store.phones.messages("+1555") == [text]

    assert store.access.user_access("alice") == UserAccess()
    store.access.set_user_allowlist("alice", ["10.0.0.0/8"])
    incarnation = store.access.create_account(AccountRecord("U1", NOW, ("192.0.2.0/24",)))
    assert incarnation
    assert store.access.link_account("alice", "U1", incarnation) is None
    assert store.access.user_access("alice") == UserAccess(("10.0.0.0/8",), "U1")
    assert store.access.add_members("U1", incarnation, ["alice"])
    assert store.access.account("U1") == (AccountRecord("U1", NOW, ("192.0.2.0/24",)), ["alice"])
    assert store.access.account_allowlist("U1") == ("192.0.2.0/24",)

    event = Event(NOW, "user.created", user="alice", detail={"n": 1})
    store.events.append(event, retention_s=3600, window_s=60)
    [read] = store.events.read(since=None, count=10)
    assert read.event == event


def test_an_ib_key_app_and_its_inbox(store: Store) -> None:
    app = AppRecord("app", "android", False, True, 0, False, {"alice": AppUser("ibkey-1", "sealed")})
    assert store.ibkey.create_app(app) and not store.ibkey.create_app(app)
    assert store.ibkey.get_app("app") == app
    assert store.ibkey.update_app(replace(app, pin_failures=1)) == "ok"
    assert store.ibkey.update_app(replace(app, pin_failures=2)) == "conflict"  # read at version 0
    assert store.ibkey.get_app("app") == replace(app, pin_failures=1, version=1)
    push = PushNotification("n1", "alice~t", "alice", "ibkey-1", "ff", ("12", "42"), "login", NOW, NOW + 60)
    store.ibkey.deliver("app", push, now=NOW)
    assert store.ibkey.inbox("app") == [push] and store.ibkey.notification("app", "n1") == push


def test_an_activation_lease_is_its_holders_again_and_no_one_elses(store: Store) -> None:
    """redis-py sends a command again on a new connection when the first one's answer was lost: the lease's
    SET may then find the lease its own first send took. The token says whose it is: the same holder's
    again, never another's, and released only by its holder."""
    assert store.ibkey.hold_activation("alice", "token-1", lease_ms=60_000)
    assert store.ibkey.hold_activation("alice", "token-1", lease_ms=60_000)  # the retry of a lost answer
    assert not store.ibkey.hold_activation("alice", "token-2", lease_ms=60_000)
    store.ibkey.release_activation("alice", "token-2")  # not its holder: nothing released
    assert not store.ibkey.hold_activation("alice", "token-3", lease_ms=60_000)
    store.ibkey.release_activation("alice", "token-1")
    assert store.ibkey.hold_activation("alice", "token-2", lease_ms=60_000)


def test_both_halves_of_a_switch_refuse_a_login_no_longer_waiting_on_its_second_factor(store: Store) -> None:
    """``lua/lib/switch_refusal.lua``, which the reservation and the commit share: a login gone, settled,
    or whose user no longer stands behind it (its epoch moved: disabled, deleted, re-created) takes no
    switch, and the last is settled as revoked."""
    pending = LoginTxn(
        "alice~txn-1111111111111111",
        "alice",
        "login",
        "second_factor",
        "sms",
        "sms-1",
        NOW,
        NOW + 60,
        3,
        dies_at=NOW + 180,
        switches_left=5,
        epoch="e1",
    )
    gone = "alice~txn-2222222222222222"
    assert store.logins.reserve_switch(gone, now=NOW) == ("missing", 0)
    assert store.logins.commit_switch(gone, now=NOW, ticket=1, expires_at=NOW + 60, fields={}) == (
        "missing",
        0,
    )
    store.logins.create(replace(pending, state="failed"), now=NOW)
    assert store.logins.reserve_switch(pending.txn_id, now=NOW + 1) == ("failed", 0)
    assert store.logins.commit_switch(
        pending.txn_id, now=NOW + 1, ticket=1, expires_at=NOW + 60, fields={}
    ) == (
        "failed",
        0,
    )
    store.logins.create(pending, now=NOW)
    assert store.logins.reserve_switch(pending.txn_id, now=NOW + 1) == ("ok", 1)
    assert store.users.revoke("alice", disabled=True, epoch="e2", now=NOW + 1) is not None
    store.logins.create(pending, now=NOW)  # pending again, under the old epoch
    assert store.logins.commit_switch(
        pending.txn_id, now=NOW + 2, ticket=1, expires_at=NOW + 60, fields={}
    ) == (
        "revoked",
        0,
    )
    revoked = store.logins.get(pending.txn_id)
    assert revoked is not None and revoked.state == "revoked"
    store.logins.create(pending, now=NOW)
    assert store.logins.reserve_switch(pending.txn_id, now=NOW + 2) == ("revoked", 0)
    assert (revoked := store.logins.get(pending.txn_id)) is not None and revoked.state == "revoked"

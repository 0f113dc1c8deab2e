"""The records at the store boundary and their encoding: flags are booleans, instants integers,
absent fields None; what a record writes it reads back unchanged; no secret shows in a record's repr."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import pytest

from sls_server.store.records import (
    AccountRecord,
    AppRecord,
    AppUser,
    CorruptRecord,
    DeviceChanges,
    DeviceRecord,
    Event,
    LockoutState,
    LoginTxn,
    PhoneConditions,
    PromptFields,
    PushNotification,
    SessionRecord,
    TextMessage,
    UserChanges,
    UserRecord,
    VoiceCall,
)
from sls_server.store.records.codec import Fields, changes_hash, encode, from_pairs, to_hash
from sls_server.store.records.lockout import STAMP_SKEW_S

SECRET = "s3cr3t-sealed-value"

CARD = DeviceRecord(
    "dscplus-1",
    "dscplus",
    "alice",
    "active",
    1_700_000_000,
    version=3,
    label="card",
    shared_with=("bob", "carol"),
    factor_failures=2,
    factor_locked=True,
    sealed=SECRET,
    serial="5-1234-56789",
    suite="OCRA-1:HOTP-SHA256-8:QN06-PSHA1",
    pin_failures=1,
    locked=False,
    max_pin_failures=3,
)
IBKEY = DeviceRecord(
    "ibkey-1",
    "ibkey",
    "alice",
    "pending_activation",
    5,
    platform="ios",
    phone="+15555550100",
    activation_digest=SECRET,
    activation_expires_at=600,
    activation_failures=1,
    app_id="ibkey-0",
    public_key="ab",
    ocra_sealed=SECRET,
    activated_at=7,
    handset="+15555550199",
    push_enabled=False,
)
RECORDS: list[Any] = [
    UserRecord(
        "alice",
        SECRET,
        1,
        phone="+15555550100",
        disabled=True,
        epoch="e1",
        default_device="d",
        password_epoch="p1",
    ),
    UserRecord("bob", SECRET, 2),
    CARD,
    IBKEY,
    DeviceRecord(
        "totp-1",
        "totp",
        "alice",
        "revoked",
        1,
        algorithm="sha256",
        digits=8,
        period=60,
        last_step=99,
        revoked_at=10,
        sealed=SECRET,
    ),
    DeviceRecord(
        "temporary-1", "temporary", "alice", "replaced", 1, expires_at=86_400, replaced_at=4, replaced_by="x"
    ),
    LoginTxn(
        "alice~t",
        "alice",
        "login",
        "second_factor",
        "ibkey",
        "ibkey-1",
        1,
        2,
        3,
        dies_at=9,
        switches_left=5,
        epoch="e1",
        ip="203.0.113.1",
        binding=SECRET,
        challenge="123456",
        mode="push",
        match="42",
        nonce="ff",
        notification_id="n1",
        code_sealed=SECRET,
        settled_at=2,
        collected_at=3,
    ),
    LoginTxn("alice~u", "alice", "withdrawal", "failed", "sms", "sms-1", 1, 2, 0, session_id="alice~s"),
    SessionRecord(
        "alice~s",
        "alice",
        1,
        2,
        3,
        1,
        "dscplus",
        device_id="d",
        ip="::1",
        epoch="e",
        verified={"withdrawal": 99, "add_device": 7},
        retired=("alice~p", "alice~q"),
    ),
    SessionRecord("alice~r", "alice", 1, 2, 3, 1, "totp", state="replaced"),
    PhoneConditions(carrier_blocks_sms=True, roaming=True, delivery_delay_s=30, sim_swapped_to="+1555"),
    PhoneConditions(),
    AccountRecord("U1", 5, ("10.0.0.0/8", "2001:db8::/32")),
    AccountRecord("U2", 6),
    AppRecord(
        "app",
        "android",
        False,
        True,
        2,
        False,
        {"alice": AppUser("ibkey-1", SECRET)},
        {"bob": "ibkey-2"},
        pin_sealed=SECRET,
        number="+1555",
        version=4,
    ),
    AppRecord("app2", "ios", True, False, 0, True),
]
JSON_RECORDS: list[Any] = [
    TextMessage("m1", 10, 5, "IBKR", "+1555", "Your code is 123456", "123456", "login"),
    TextMessage("m2", 10, 10, "IBKR", "+1555", "notice", None, "notice"),
    VoiceCall("c1", 10, "IBKR", "+1555", "one two three", None, "login"),
    PushNotification("n1", "alice~t", "alice", "ibkey-1", "ff", ("12", "42", "77"), "login", 1, 121),
    Event(1, "login.refused", user="alice", ip="::1", result="rate_limited", detail={"n": 1}),
    Event(2, "emulator.reset"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_a_record_reads_back_what_it_wrote(record: Any) -> None:
    stored = record.to_hash()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in stored.items())
    assert type(record).from_hash(stored) == record


@pytest.mark.parametrize("record", JSON_RECORDS, ids=lambda r: type(r).__name__)
def test_a_json_record_reads_back_what_it_wrote(record: Any) -> None:
    assert type(record).from_json(record.to_json()) == record


def test_a_json_record_keeps_its_shown_names_and_refuses_a_missing_field() -> None:
    text = JSON_RECORDS[1]
    assert list(text.as_dict()) == ["id", "at", "sent_at", "from", "to", "text", "code", "purpose", "seq"]
    kept = '{"id":"m","at":1,"sent_at":1,"from":"IBKR","to":"+1","text":"t","code":null,"purpose":"login"}'
    assert TextMessage.from_json(kept).seq is None  # a text kept from before texts were counted
    assert PushNotification.from_json(JSON_RECORDS[3].to_json()).candidates == ("12", "42", "77")
    with pytest.raises(CorruptRecord, match="'from'"):
        TextMessage.from_json('{"id":"m","at":1,"sent_at":1,"to":"+1","text":"t","purpose":"login"}')


def test_flags_are_ones_and_zeros_instants_decimal_absent_fields_missing() -> None:
    stored = CARD.to_hash()
    assert (stored["factor_locked"], stored["locked"]) == ("1", "0")  # what the Lua scripts compare
    assert (stored["created_at"], stored["version"], stored["shared_with"]) == (
        "1700000000",
        "3",
        "bob,carol",
    )
    assert "number" not in stored and "push_enabled" not in stored
    assert DeviceRecord.from_hash(stored).number is None
    assert UserRecord.from_hash({"username": "a", "password_hash": "h", "created_at": "1"}).disabled is False


def test_a_lua_counter_or_flag_never_written_reads_as_zero_or_off() -> None:
    raw = {"device_id": "d", "type": "sms", "owner": "a", "status": "active", "created_at": "1"}
    device = DeviceRecord.from_hash(raw)
    assert (device.factor_failures, device.factor_locked, device.version, device.shared_with) == (
        0,
        False,
        0,
        (),
    )
    assert LockoutState.from_hash({}) == LockoutState(0, 0, None, False)


def test_a_cleared_field_is_written_empty_and_reads_as_none() -> None:
    assert changes_hash({"mode": None, "locked": False, "handset": "x"}) == {
        "mode": "",
        "locked": "0",
        "handset": "x",
    }
    assert to_hash({"mode": None, "n": 0}) == {"n": "0"}
    assert Fields("t", {"mode": ""}).maybe_text("mode") is None
    assert Fields("t", {"n": ""}).maybe_integer("n") is None
    empty = Fields("t", {"n": "", "f": "", "s": ""})
    assert (empty.count("n"), empty.maybe_flag("f"), empty.flag("f"), empty.names("s")) == (
        0,
        None,
        False,
        (),
    )
    with pytest.raises(CorruptRecord):
        Fields("t", {"n": ""}).integer("n")


def test_a_scripts_flat_reply_pairs_up_as_text_and_an_odd_one_is_refused() -> None:
    assert from_pairs(["a", "1", "b", 2]) == {"a": "1", "b": "2"}
    assert from_pairs([]) == {}
    with pytest.raises(ValueError):
        from_pairs(["a", "1", "b"])


def test_what_we_never_write_is_refused_not_guessed() -> None:
    with pytest.raises(CorruptRecord):
        UserRecord.from_hash({"username": "a", "password_hash": "h"})  # no created_at
    with pytest.raises(CorruptRecord):
        Fields("device", {"locked": "yes"}).maybe_flag("locked")
    with pytest.raises(CorruptRecord):
        Fields("device", {"digits": "six"}).maybe_integer("digits")
    with pytest.raises(TypeError):
        encode(1.5)


def test_lockout_state_says_whether_and_how_long() -> None:
    assert LockoutState(locked_until=100).retry_after(40) == 60
    assert not LockoutState(locked_until=100).locked(100)
    assert LockoutState(permanent=True).locked(0) and LockoutState(permanent=True).retry_after(0) is None


def test_a_lockout_bucket_reads_back_what_it_wrote_and_starts_empty() -> None:
    """Every field under the name the Lua scripts write (``lockout_settle.lua``), and a bucket never written
    reads as the empty state: no failures, no lock, not permanent."""
    state = LockoutState(failures=2, locks=3, locked_until=900, permanent=True, failed=7, locked_at=600)
    raw = state.to_hash()
    assert raw == {
        "failures": "2",
        "locks": "3",
        "locked_until": "900",
        "permanent": "1",
        "failed": "7",
        "locked_at": "600",
    }
    assert LockoutState.from_hash(raw) == state
    assert LockoutState() == LockoutState.from_hash({}) == LockoutState(0, 0, None, False, 0, None)
    with pytest.raises(CorruptRecord, match=r"^the lockout bucket's 'failures' is not an integer$"):
        LockoutState.from_hash({"failures": "two"})


def test_a_lock_stamped_after_now_holds_within_the_skew_and_not_beyond() -> None:
    """A lock another request placed up to ``STAMP_SKEW_S`` ahead of this one's "now" holds (they raced
    across a second); one placed further ahead is from a future the clock was moved back from."""
    now, until = 1_000, 1_100
    assert LockoutState(locked_until=until, locked_at=None).retry_after(now) == 100
    assert LockoutState(locked_until=until, locked_at=now - 500).retry_after(now) == 100
    assert LockoutState(locked_until=until, locked_at=now + STAMP_SKEW_S).retry_after(now) == 100
    assert LockoutState(locked_until=until, locked_at=now + STAMP_SKEW_S + 1).retry_after(now) is None
    assert not LockoutState(locked_until=until, locked_at=now + STAMP_SKEW_S + 1).locked(now)
    assert LockoutState(locked_until=until, locked_at=now + STAMP_SKEW_S + 1, permanent=True).locked(now)
    assert STAMP_SKEW_S == 30  # the Lua scripts' literal (test_store_hygiene holds them to this value)


@pytest.mark.parametrize("record", [*RECORDS, *JSON_RECORDS], ids=lambda r: type(r).__name__)
def test_no_secret_shows_in_a_records_repr(record: Any) -> None:
    assert SECRET not in repr(record)


def _options(hint: Any) -> set[Any]:
    return set(typing.get_args(hint)) if isinstance(hint, types.UnionType) else {hint}


@pytest.mark.parametrize(
    ("changes", "record"),
    [(DeviceChanges, DeviceRecord), (UserChanges, UserRecord), (PromptFields, LoginTxn)],
)
def test_typed_changes_name_fields_of_their_record_with_its_types(changes: Any, record: Any) -> None:
    """A change's value may drop a field's ``None`` (a plain write) or keep it (clearing the field)."""
    fields = typing.get_type_hints(record)
    for name, hint in typing.get_type_hints(changes).items():
        assert name in {f.name for f in dataclasses.fields(record)}, name
        assert _options(hint) <= _options(fields[name]), name


def test_a_hash_reply_is_text_whatever_the_client_answered_and_refuses_what_is_not() -> None:
    from sls_server.store.base import hash_reply

    decoded = {"a": "1", "b": ""}
    assert hash_reply(decoded) == decoded and hash_reply(decoded) is not decoded
    assert hash_reply({b"a": b"1", "b": b"2"}) == {"a": "1", "b": "2"}
    assert hash_reply({}) == {}
    with pytest.raises(TypeError):
        hash_reply({"a": 1})  # type: ignore[dict-item]


def test_a_records_hash_names_its_fields_in_order_without_those_it_encodes_itself() -> None:
    from sls_server.store.records.codec import dataclass_fields

    session = SessionRecord("s", "u", 1, 2, 3, 4, "totp", verified={"withdrawal": 9})
    assert list(dataclass_fields(session, skip=("verified",))) == [
        f.name for f in dataclasses.fields(session) if f.name != "verified"
    ]
    assert session.to_hash() == {
        **{"id": "s", "username": "u", "authenticated_at": "1", "idle_expires_at": "2"},
        **{"expires_at": "3", "last_seen_at": "4", "factor": "totp", "verified:withdrawal": "9"},
    }


def test_a_records_hash_is_each_value_encoded() -> None:
    """``codec.to_hash`` writes a text or a plain integer itself: the same as :func:`codec.encode` for every
    kind of value, a bool and a subclass of int or str among them, absent values left out."""
    from enum import StrEnum

    from sls_server.store.records.codec import encode, to_hash

    class Word(StrEnum):
        ONE = "one"

    values: dict[str, object] = {
        "text": "a",
        "empty": "",
        "zero": 0,
        "number": -12,
        "yes": True,
        "no": False,
        "names": ("x", "y"),
        "none": None,
        "word": Word.ONE,
    }
    expected = {name: text for name, value in values.items() if (text := encode(value)) is not None}
    assert to_hash(values) == expected
    assert list(to_hash(values)) == list(expected)
    assert type(to_hash({"word": Word.ONE})["word"]) is type(encode(Word.ONE))

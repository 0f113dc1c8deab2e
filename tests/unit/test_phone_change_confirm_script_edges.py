"""How ``phone_change_confirm.lua`` judges the code texted to a new number, where ``scripts/lua_mutation.py``
found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): another session's change is
missing and kept; a code for another number changes nothing; a code is good until its expiry and not from
it, and one refused as expired is spent; each wrong code is counted on the code (the last kills it) and in
the user's window (its first try sets when it began, each after adds one); at the window's limit no code is
judged until it has passed (or the clock went back), and a right code forgets the wrong ones. Through
``PhoneChangeRepo.confirm``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys

NOW = 1_900_000_000
SESSION = "alice~" + "a" * 64
NUMBER = "+15550001111"
WINDOW = 3600
EXPIRES = NOW + 3 * WINDOW  # past the window: a code outlives a limit
PER_CODE, PER_WINDOW = 3, 4
CHANGE, TRIES = keys.user_phone_change("alice"), keys.user_phone_change_tries("alice")


@pytest.fixture
def store(store: Store) -> Store:
    begin(store)
    return store


def begin(store: Store) -> None:
    store.phone_changes.begin(
        "alice", session_id=SESSION, phone=NUMBER, digest="right", expires_at=EXPIRES, now=NOW
    )


def confirm(
    store: Store, digest: str = "right", *, now: int = NOW, session: str = SESSION, number: str = NUMBER
) -> tuple[str, int]:
    return store.phone_changes.confirm(
        "alice",
        session_id=session,
        phone=number,
        digest=digest,
        now=now,
        max_failures=PER_CODE,
        window_failures=PER_WINDOW,
        window=WINDOW,
    )


def hash_of(store: Store, key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(key).items()}


def test_a_right_code_is_good_once_and_forgets_the_wrong_ones(store: Store) -> None:
    assert confirm(store, "wrong") == ("wrong", PER_CODE - 1)
    assert confirm(store) == ("ok", 0)
    assert not store.client.exists(CHANGE) and not store.client.exists(TRIES)
    assert confirm(store) == ("missing", 0)


def test_another_sessions_change_is_missing_and_kept(store: Store) -> None:
    before = hash_of(store, CHANGE)
    assert confirm(store, session="alice~" + "b" * 64) == ("missing", 0)
    assert confirm(store, "wrong", session="alice~" + "b" * 64) == ("missing", 0)
    assert hash_of(store, CHANGE) == before and not store.client.exists(TRIES)
    store.client.delete(CHANGE)
    assert confirm(store) == ("missing", 0)


def test_a_code_for_another_number_changes_nothing(store: Store) -> None:
    before = hash_of(store, CHANGE)
    assert confirm(store, "wrong", number="+15550002222") == ("other_number", 0)
    assert hash_of(store, CHANGE) == before and not store.client.exists(TRIES)


def test_a_code_is_good_until_its_expiry_and_spent_once_refused_as_expired(store: Store) -> None:
    assert confirm(store, now=EXPIRES) == ("expired", 0)
    assert not store.client.exists(CHANGE)
    assert confirm(store, now=NOW) == ("missing", 0)  # a clock moved back revives nothing
    begin(store)
    assert confirm(store, now=EXPIRES - 1) == ("ok", 0)


def test_wrong_codes_count_down_the_code_and_up_the_window(store: Store) -> None:
    assert confirm(store, "wrong", now=NOW + 1) == ("wrong", 2)
    assert hash_of(store, TRIES) == {"count": "1", "since": str(NOW + 1)}
    assert WINDOW + 3600 - 5 < store.client.ttl(TRIES) <= WINDOW + 3600
    assert confirm(store, "wrong", now=NOW + 2) == ("wrong", 1)
    assert hash_of(store, TRIES) == {"count": "2", "since": str(NOW + 1)}
    assert hash_of(store, CHANGE)["failures"] == "2"
    assert confirm(store, "wrong", now=NOW + 3) == ("wrong", 0)  # the last kills the code
    assert not store.client.exists(CHANGE)
    assert hash_of(store, TRIES) == {"count": "3", "since": str(NOW + 1)}


def test_a_new_code_gives_no_fresh_guesses_and_the_window_limits_them(store: Store) -> None:
    for _ in range(PER_CODE):
        confirm(store, "wrong", now=NOW + 10)
    begin(store)
    assert confirm(store, "wrong", now=NOW + 20) == ("wrong", PER_CODE - 1)
    assert hash_of(store, TRIES) == {"count": str(PER_WINDOW), "since": str(NOW + 10)}
    assert confirm(store, now=NOW + 30) == ("limited", WINDOW - 20)  # not judged, even right
    assert confirm(store, now=NOW + 10 + WINDOW - 1) == ("limited", 1)
    assert hash_of(store, CHANGE)["failures"] == "1"
    assert confirm(store, "wrong", now=NOW + 10 + WINDOW) == ("wrong", PER_CODE - 2)  # the window passed
    assert hash_of(store, TRIES) == {"count": "1", "since": str(NOW + 10 + WINDOW)}


def test_one_try_short_of_the_limit_is_judged(store: Store) -> None:
    store.client.hset(TRIES, mapping={"count": PER_WINDOW - 1, "since": NOW})
    assert confirm(store, now=NOW + 5) == ("ok", 0)


def test_a_single_old_wrong_try_is_forgotten_once_its_window_passed(store: Store) -> None:
    store.client.hset(TRIES, mapping={"count": 1, "since": NOW - WINDOW})
    assert confirm(store, "wrong") == ("wrong", PER_CODE - 1)
    assert hash_of(store, TRIES) == {"count": "1", "since": str(NOW)}


def test_a_clock_moved_back_before_the_window_starts_it_again(store: Store) -> None:
    store.client.hset(TRIES, mapping={"count": PER_WINDOW, "since": NOW + 1})
    assert confirm(store, "wrong") == ("wrong", PER_CODE - 1)
    assert hash_of(store, TRIES) == {"count": "1", "since": str(NOW)}
    store.client.hset(TRIES, mapping={"count": PER_WINDOW, "since": NOW})
    assert confirm(store) == ("limited", WINDOW)  # the window's first second is in it

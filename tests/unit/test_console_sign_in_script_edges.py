"""How the console's sign-ins are kept (``console_sign_in_create.lua``, ``console_sign_in_touch.lua``,
``console_sign_ins_end_all.lua``), where ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md,
"Mutation testing of the Lua scripts"): a sign-in is written afresh with its deadlines, a TTL of its idle
deadline plus the margin and its index entry, pruning the entries dead by ``now``; a check refuses it at
each deadline itself (the absolute one first), deletes one earned with another token, and a person's
activity alone moves its idle deadline, never past the absolute one; "end all" deletes every one and counts,
by door, those still live. Through ``ConsoleSignInRepo``, on a real redis-server."""

from __future__ import annotations

from sls_server.store import Store, keys
from sls_server.store.logins import RECLAIM_MARGIN_S

NOW = 1_900_000_000
A, B = "a" * 64, "b" * 64


def create(store: Store, digest: str = A, *, door: str = "console", at: int = NOW, idle: int = 60) -> None:
    store.console.create(digest, door=door, fingerprint="fp1", now=at, idle_until=at + idle, until=at + 600)


def touch(
    store: Store, now: int, *, activity: bool = True, fingerprint: str = "fp1", door: str = "console"
) -> str:
    return store.console.touch(
        A, door=door, fingerprint=fingerprint, now=now, idle_timeout=60, activity=activity
    )


def fields(store: Store, digest: str = A) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(keys.console_sign_in(digest)).items()}


def index(store: Store) -> dict[str, float]:
    return {str(m): s for m, s in store.client.zrange(keys.CONSOLE_SIGN_INS, 0, -1, withscores=True)}


def test_a_sign_in_is_written_afresh_with_its_deadlines_ttl_and_index_entry(store: Store) -> None:
    store.client.hset(keys.console_sign_in(A), "stale", "1")
    create(store)
    assert fields(store) == {
        "door": "console",
        "fp": "fp1",
        "signed_in_at": str(NOW),
        "idle_until": str(NOW + 60),
        "until": str(NOW + 600),
    }
    assert store.client.ttl(keys.console_sign_in(A)) == 60 + RECLAIM_MARGIN_S
    assert index(store) == {A: NOW + 600}


def test_a_new_sign_in_prunes_the_entries_dead_by_now_only(store: Store) -> None:
    store.client.zadd(keys.CONSOLE_SIGN_INS, {"dead": NOW, "alive": NOW + 1})
    create(store)
    assert index(store) == {"alive": NOW + 1, A: NOW + 600}


def test_a_check_says_why_a_sign_in_opens_nothing(store: Store) -> None:
    assert touch(store, NOW) == "missing"
    create(store)
    assert touch(store, NOW, door="sim") == "other_door"
    assert touch(store, NOW + 60, activity=False) == "expired_idle"
    assert touch(store, NOW + 600, activity=False) == "expired_absolute"  # past both: the absolute one says
    assert fields(store)["idle_until"] == str(NOW + 60)  # kept, to say why


def test_a_sign_in_earned_with_another_token_is_deleted(store: Store) -> None:
    create(store)
    create(store, B)
    assert touch(store, NOW, fingerprint="fp2") == "token_changed"
    assert not store.client.exists(keys.console_sign_in(A))
    assert list(index(store)) == [B]


def test_activity_moves_the_idle_deadline_and_a_poll_does_not(store: Store) -> None:
    create(store)
    assert touch(store, NOW + 59, activity=False) == "ok"
    assert fields(store)["idle_until"] == str(NOW + 60)
    assert touch(store, NOW + 59) == "ok"
    assert fields(store)["idle_until"] == str(NOW + 119)
    assert store.client.ttl(keys.console_sign_in(A)) == 60 + RECLAIM_MARGIN_S


def test_activity_never_moves_the_idle_deadline_past_the_absolute_one(store: Store) -> None:
    create(store)
    for at in range(NOW + 50, NOW + 600, 50):
        assert touch(store, at) == "ok"
    assert fields(store)["idle_until"] == str(NOW + 600)
    assert store.client.ttl(keys.console_sign_in(A)) == 600 - 550 + RECLAIM_MARGIN_S


def test_end_all_deletes_every_sign_in_and_counts_the_live_ones_by_door(store: Store) -> None:
    create(store, A)
    create(store, B, door="sim")
    create(store, "c" * 64, door="sim")
    create(store, "d" * 64, door="sim", idle=10)  # idle since NOW + 10
    create(store, "e" * 64, at=NOW - 590)  # past its absolute deadline at NOW + 10, its idle one later
    store.client.hset(keys.console_sign_in("e" * 64), "idle_until", NOW + 100)
    store.client.zadd(keys.CONSOLE_SIGN_INS, {"f" * 64: NOW + 600})  # its hash gone
    create(store, "g" * 64, at=NOW + 5)  # the last of the index
    assert store.console.end_all(now=NOW + 10) == {"console": 2, "sim": 2}
    assert not store.client.exists(keys.CONSOLE_SIGN_INS)
    assert not any(store.client.exists(keys.console_sign_in(d * 64)) for d in "abcdeg")
    assert store.console.end_all(now=NOW + 10) == {}

"""The edges of ``lockout_reserve.lua`` and ``lockout_settle.lua`` that ``scripts/lua_mutation.py`` found no
test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a reservation a crashed worker never
settled lapses after :data:`RESERVATION_S` (kept, it would count against the threshold for good and the
name would answer 'busy' for ever), and the keys the scripts write carry a TTL (Redis reclaims them).
On a real redis-server; the store's clock is the ``now`` each call passes."""

from __future__ import annotations

from sls_server.store import Store, keys
from sls_server.store.lockout import RECLAIM_S, RESERVATION_S

NOW = 1_900_000_000
THRESHOLD = 3


def reserve(store: Store, n: int, *, now: int) -> str:
    return store.lockout.reserve("alice", "all", now=now, threshold=THRESHOLD, attempt_id=f"a{n}").status


def settle(
    store: Store,
    attempt_id: str,
    *,
    now: int,
    ok: bool = False,
    threshold: int = THRESHOLD,
    permanent_after: int = 0,
) -> tuple[str, int, int]:
    """``lockout_settle.lua`` on alice's bucket with a 60 s wait a lock, 600 s at most."""
    return store.lockout.settle(
        "alice",
        "all",
        now=now,
        attempt_id=attempt_id,
        ok=ok,
        threshold=threshold,
        wait_increment_s=60,
        max_wait_s=600,
        permanent_after=permanent_after,
    )


def test_a_reservation_never_settled_lapses_after_its_lifetime(store: Store) -> None:
    assert [reserve(store, n, now=NOW) for n in range(THRESHOLD)] == ["ok"] * THRESHOLD
    assert reserve(store, 9, now=NOW + RESERVATION_S - 1) == "busy"  # the crashed ones still in flight
    assert reserve(store, 10, now=NOW + RESERVATION_S) == "ok"  # lapsed: the name is not 'busy' for ever


def test_the_in_flight_reservations_are_reclaimed_by_redis(store: Store) -> None:
    assert reserve(store, 0, now=NOW) == "ok"
    ttl = store.client.ttl(keys.lockout_inflight("alice", "all"))
    assert RESERVATION_S < ttl <= RESERVATION_S + 60


def test_a_wrong_password_s_count_is_reclaimed_by_redis(store: Store) -> None:
    assert reserve(store, 0, now=NOW) == "ok"
    settled = settle(store, "a0", now=NOW)
    assert settled[:2] == ("failed", 1)
    assert 0 < store.client.ttl(keys.lockout("alice", "all")) <= RECLAIM_S


def wrong(store: Store, n: int, *, now: int) -> tuple[str, int, int]:
    return settle(store, f"w{n}", now=now, threshold=2, permanent_after=3)


def test_each_lock_starts_a_fresh_count_numbers_itself_and_the_last_one_never_lapses(store: Store) -> None:
    """The lock number is the event's ``lock_number`` (the feed's "locked for the 2nd time"); a lock resets
    the run of wrong passwords, so the next lock takes the whole threshold again; the permanent lock's hash
    loses its TTL, else Redis would lift it after :data:`RECLAIM_S`."""
    assert [wrong(store, 0, now=NOW), wrong(store, 1, now=NOW)] == [("failed", 1, 0), ("locked", NOW + 60, 1)]
    later = NOW + 60
    assert [wrong(store, 2, now=later), wrong(store, 3, now=later)] == [
        ("failed", 1, 0),
        ("locked", later + 120, 2),
    ]
    later += 120
    assert [wrong(store, 4, now=later), wrong(store, 5, now=later)] == [("failed", 1, 0), ("permanent", 0, 3)]
    assert store.client.ttl(keys.lockout("alice", "all")) == -1


def test_a_right_password_settled_only_hands_its_reservation_back(store: Store) -> None:
    """The app hands a right password's reservation back with ``release``; ``settle`` does the same."""
    assert reserve(store, 0, now=NOW) == "ok"
    settled = settle(store, "a0", now=NOW, ok=True)
    assert settled == ("ok", 0, 0)
    assert store.client.zcard(keys.lockout_inflight("alice", "all")) == 0
    assert store.lockout.state("alice") == {}


def test_permanent_after_one_makes_the_first_lock_permanent(store: Store) -> None:
    assert settle(store, "w0", now=NOW, threshold=1, permanent_after=1) == ("permanent", 0, 1)

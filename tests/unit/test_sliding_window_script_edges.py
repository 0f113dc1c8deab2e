"""The edges of ``sliding_window.lua`` (every send, issuance and address limiter) that
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): an
attempt stamped up to 30 s after now (``STAMP_SKEW_S``: a racing request's) still counts, only a later one
is dropped as the clock moved back; and the window's key carries a TTL (Redis reclaims it). On a real
redis-server, through ``PhoneRepo.hit``."""

from __future__ import annotations

from sls_server.store import Store, keys

NOW = 1_900_000_000
WINDOW = 600


def hit(store: Store, member: str, *, now: int) -> int:
    return store.phones.hit("send:user", "alice", now=now, window_s=WINDOW, limit=1, member=member)


def test_an_attempt_stamped_30_s_ahead_counts_a_later_one_is_dropped(store: Store) -> None:
    assert hit(store, "racing", now=NOW + 30) == 0
    assert hit(store, "now", now=NOW) == WINDOW + 30  # the racing one holds the window
    store.client.delete(keys.send_window("send:user", "alice"))
    assert hit(store, "moved back from", now=NOW + 31) == 0
    assert hit(store, "now", now=NOW) == 0  # the clock was moved back: that one no longer counts


def test_the_window_is_reclaimed_by_redis(store: Store) -> None:
    assert hit(store, "a", now=NOW) == 0
    assert WINDOW < store.client.ttl(keys.send_window("send:user", "alice")) <= WINDOW + 60

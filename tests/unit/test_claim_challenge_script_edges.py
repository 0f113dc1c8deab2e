"""What ``claim_challenge.lua`` (a card's challenge claim and its window of issues) does that
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"):
a card that remembers every candidate claims none (the window's own arguments are no candidates); the
window keeps an issue stamped up to 30 s after now and drops a later one (the clock moved back), answers
the exact wait, and carries a TTL; a record kept as an unordered set before the bound is taken in whole,
however large. On a real redis-server, through ``DeviceRepo``."""

from __future__ import annotations

from sls_server.store import Store, keys
from sls_server.store.devices import Issued

NOW = 1_900_000_000
WINDOW = 600


def issue(store: Store, member: str, *, now: int, encodings: list[str], limit: int = 5) -> Issued:
    return store.devices.issue_challenge(
        "card-1",
        "alice",
        now=now,
        window=WINDOW,
        limit=limit,
        member=member,
        encodings=encodings,
        history=100,
    )


def test_a_card_that_remembers_every_candidate_claims_none(store: Store) -> None:
    assert issue(store, "i1", now=NOW, encodings=["a", "b"]) == Issued(0, None, 1)
    assert issue(store, "i2", now=NOW, encodings=["a", "b"]) == Issued(0, None, 2)
    assert issue(store, "i3", now=NOW, encodings=["a", "b"]) == Issued(0, None, 0)
    assert store.devices.remembered_challenges("card-1") == ["a", "b"]


def test_an_issue_stamped_30_s_ahead_counts_a_later_one_is_dropped(store: Store) -> None:
    assert issue(store, "racing", now=NOW + 30, encodings=["a"], limit=1) == Issued(0, None, 1)
    assert issue(store, "now", now=NOW, encodings=["b"], limit=1) == Issued(WINDOW + 30, "device", 0)
    store.client.delete(keys.device_challenge_issues("card-1"), keys.user_challenge_issues("alice"))
    assert issue(store, "moved back from", now=NOW + 31, encodings=["c"], limit=1) == Issued(0, None, 1)
    assert issue(store, "now", now=NOW, encodings=["d"], limit=1) == Issued(0, None, 1)


def test_a_full_window_answers_the_exact_wait_and_is_reclaimed_by_redis(store: Store) -> None:
    assert issue(store, "i1", now=NOW, encodings=["a"], limit=1) == Issued(0, None, 1)
    assert WINDOW < store.client.ttl(keys.device_challenge_issues("card-1")) <= WINDOW + 60
    assert issue(store, "i2", now=NOW + WINDOW - 1, encodings=["b"], limit=1) == Issued(1, "device", 0)


def test_a_record_kept_as_a_set_is_taken_in_whole(store: Store) -> None:
    """Large enough that one ZADD of it all would pass what a Lua call can unpack (8000 values)."""
    old = [f"m{n}" for n in range(4500)]
    store.client.sadd(keys.device_used_challenges("card-1"), *old)
    assert store.devices.claim_challenge("card-1", ["m0", "m4499", "new"], history=10_000) == 3
    remembered = store.devices.remembered_challenges("card-1")
    assert sorted(remembered[:-1]) == sorted(old) and remembered[-1] == "new"

"""How ``clock_advance_bounded.lua``, ``clock_freeze.lua`` and ``clock_set.lua`` write the app clock, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a
move goes from "now" held within the bounds, is accepted up to each bound and refused a second past it
(nothing written, nothing sent), and keeps a frozen clock frozen; a freeze stands where "now" is held, a
thaw runs on from there, and either already so writes and sends nothing; a set keeps a frozen clock frozen
unless told to run, or freezes it when told; every change is published to the workers' channel. Through
``ClockRepo``, on a real redis-server, with the system time given."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from sls_bench.redis_stats import masters
from sls_server.store import Store, keys
from sls_server.store.clock_state import ClockState
from sls_server.store.connection import database

SYS = 1_800_000_000
LO, HI = SYS - 1000, SYS + 1000
END = "end of the look"


@pytest.fixture
def told(store: Store) -> Iterator[redis.client.PubSub]:
    """The values published on the workers' channel, as a worker's cache hears them."""
    pubsub = store.client.pubsub()
    pubsub.subscribe(keys.clock_channel(database(store.client)))
    # the subscription confirmed before any script runs: a second's wait for it, let pass on a loaded machine,
    # left it for ``heard`` to read first, as an ignored message that ended its look with nothing heard
    confirmed = pubsub.get_message(timeout=30)
    assert confirmed is not None and confirmed["type"] == "subscribe", confirmed
    yield pubsub
    pubsub.close()


def heard(pubsub: redis.client.PubSub, store: Store) -> list[str]:
    """Every value sent since the last look: up to a mark published now, which comes after them (one
    server's messages reach a subscriber in order), so nothing is waited for but the mark."""
    store.client.publish(keys.clock_channel(database(store.client)), END)
    got: list[str] = []
    while (message := pubsub.get_message(timeout=5)) is not None and message["data"] != END:
        got.append(str(message["data"]))
    return got


def stored(store: Store) -> str | None:
    value = store.client.get(keys.CLOCK_OFFSET)
    return None if value is None else str(value)


def advance(store: Store, seconds: int, *, system_now: int = SYS) -> tuple[bool, ClockState]:
    return store.clock.advance_within(seconds, system_now=system_now, lo=LO, hi=HI)


def test_a_move_is_accepted_up_to_each_bound_and_refused_past_it(
    store: Store, told: redis.client.PubSub
) -> None:
    assert advance(store, 1000) == (True, ClockState(offset=1000))
    assert stored(store) == "1000" and heard(told, store) == ["1000"]
    assert advance(store, 1) == (False, ClockState(offset=1000))
    assert stored(store) == "1000" and heard(told, store) == []
    assert advance(store, -2000) == (True, ClockState(offset=-1000))
    assert advance(store, -1) == (False, ClockState(offset=-1000))
    assert heard(told, store) == ["-1000"]


def test_a_move_goes_from_now_held_within_the_bounds(store: Store) -> None:
    store.client.set(keys.CLOCK_OFFSET, "1500")  # set near the end, then left running past it
    assert advance(store, 0) == (True, ClockState(offset=1000))
    store.client.set(keys.CLOCK_OFFSET, "-1500")
    assert advance(store, 10) == (True, ClockState(offset=-990))


def test_a_move_keeps_a_frozen_clock_frozen(store: Store, told: redis.client.PubSub) -> None:
    store.client.set(keys.CLOCK_OFFSET, f"frozen:{SYS + 5}")
    assert advance(store, 7, system_now=SYS + 400) == (True, ClockState(frozen_at=SYS + 12))
    assert stored(store) == f"frozen:{SYS + 12}" and heard(told, store) == [f"frozen:{SYS + 12}"]
    assert advance(store, HI - SYS - 12 + 1) == (False, ClockState(frozen_at=SYS + 12))
    store.client.set(keys.CLOCK_OFFSET, f"frozen:{HI + 50}")
    assert advance(store, -1) == (True, ClockState(frozen_at=HI - 1))
    store.client.set(keys.CLOCK_OFFSET, f"frozen:{LO - 50}")
    assert advance(store, 0) == (True, ClockState(frozen_at=LO))


def freeze(store: Store, frozen: bool, *, system_now: int = SYS) -> ClockState:
    return store.clock.freeze(frozen, system_now=system_now, lo=LO, hi=HI)


def test_a_freeze_stands_where_now_is_held_and_a_thaw_runs_on_from_there(
    store: Store, told: redis.client.PubSub
) -> None:
    store.client.set(keys.CLOCK_OFFSET, "30")
    assert freeze(store, True) == ClockState(frozen_at=SYS + 30)
    assert heard(told, store) == [f"frozen:{SYS + 30}"]
    assert freeze(store, True, system_now=SYS + 99) == ClockState(frozen_at=SYS + 30)  # already: nothing
    assert heard(told, store) == []
    assert freeze(store, False, system_now=SYS + 100) == ClockState(offset=-70)
    assert stored(store) == "-70" and heard(told, store) == ["-70"]
    assert freeze(store, False) == ClockState(offset=-70)
    assert heard(told, store) == []
    store.client.set(keys.CLOCK_OFFSET, "5000")
    assert freeze(store, True) == ClockState(frozen_at=HI)
    store.client.set(keys.CLOCK_OFFSET, "-5000")
    assert freeze(store, True) == ClockState(frozen_at=LO)


def test_a_set_keeps_a_frozen_clock_frozen_unless_told_to_run(
    store: Store, told: redis.client.PubSub
) -> None:
    assert store.clock.set_at(SYS + 60, system_now=SYS) == ClockState(offset=60)
    assert stored(store) == "60" and heard(told, store) == ["60"]
    assert store.clock.set_at(SYS + 70, system_now=SYS, freeze=True) == ClockState(frozen_at=SYS + 70)
    assert store.clock.set_at(SYS + 80, system_now=SYS) == ClockState(frozen_at=SYS + 80)
    assert heard(told, store) == [f"frozen:{SYS + 70}", f"frozen:{SYS + 80}"]
    assert store.clock.reset(system_now=SYS) == ClockState(frozen_at=SYS + 80)  # what it undid
    assert stored(store) == "0" and heard(told, store) == ["0"]
    assert store.clock.reset(system_now=SYS) == ClockState(offset=0)


def exists_calls(redis_url: str) -> int:
    """EXISTS's calls so far on every master, counted by Redis."""
    return sum(
        int(node.info("commandstats").get("cmdstat_exists", {}).get("calls", 0))
        for node in masters(redis_url)
    )


def test_a_freeze_waits_for_its_message_only_when_it_sent_one(store: Store, redis_url: str) -> None:
    """The caller's one read after a change (``ClockRepo.delivered``) proves the message reached every
    local subscriber; a freeze or a thaw of a clock already so sent none, and spends no round trip on it."""
    before = exists_calls(redis_url)
    freeze(store, True)
    assert exists_calls(redis_url) == before + 1
    freeze(store, True)
    assert exists_calls(redis_url) == before + 1
    freeze(store, False)
    assert exists_calls(redis_url) == before + 2
    freeze(store, False)
    assert exists_calls(redis_url) == before + 2

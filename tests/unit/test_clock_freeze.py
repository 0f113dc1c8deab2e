"""A frozen clock stands still while real time passes, and only a move changes it (QA: a scenario's instants
depended on how many real seconds its requests took, so ``sim-swap`` failed one run in four).

Real time is freezegun's ``time.time``, moved by hand: no test here waits. Two apps on one Redis are two
processes' caches (``store/clock.py``): the frozen state travels over the same pub/sub as the offset, so each
sees the other's freeze, move and thaw on its next read, with no round trip of its own.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from conftest import TOPOLOGY
from freezegun import freeze_time

from sls_server import create_app
from sls_server.store.clock_state import ClockState

START = "2026-01-01 00:00:00"
T0 = 1767225600  # START in Unix seconds
AT = 1_893_488_400  # 2030-01-01T09:00:00Z


def test_the_stored_value_reads_both_ways() -> None:
    assert ClockState.parse(None) == ClockState(offset=0)
    assert ClockState.parse(b"-90") == ClockState(offset=-90)
    frozen = ClockState.parse(b"frozen:1893488400")
    assert frozen.frozen and frozen.now(T0) == frozen.now(T0 + 10**6) == AT
    assert frozen.offset_at(T0) == AT - T0


def test_a_frozen_clock_stands_still_while_real_time_passes(app_config: dict[str, Any]) -> None:
    with freeze_time(START) as real:
        clock = create_app(app_config).extensions["sls"].clock
        clock.set_at(AT)
        real.tick(5)
        assert clock.now() == AT + 5, "a running clock follows real time"
        frozen = clock.freeze(True)
        assert frozen.frozen and frozen.now == AT + 5
        real.tick(3600)
        reading = clock.reading()
        assert (reading.now, reading.frozen) == (AT + 5, True), "an hour of real time moved a frozen clock"
        assert reading.offset_s == AT + 5 - (T0 + 3605), "offset_s is still now minus system time"
        assert clock.advance_within(60, 0, 2**40) is not None
        real.tick(86400)
        assert clock.now() == AT + 65, "a move moves it, and only a move"
        assert clock.set_at(AT).frozen and clock.now() == AT
        thawed = clock.freeze(False)
        assert (thawed.now, thawed.frozen) == (AT, False), "it runs on from where it stood"
        real.tick(7)
        assert clock.now() == AT + 7


def test_two_processes_agree_on_a_frozen_clock_and_hear_every_move(app_config: dict[str, Any]) -> None:
    with freeze_time(START) as real:
        mover = create_app(app_config).extensions["sls"].clock
        reader = create_app(app_config).extensions["sls"].clock
        reader.now()  # subscribed
        mover.set_at(AT)
        mover.freeze(True)
        real.tick(600)
        assert (reader.reading().now, reader.reading().frozen) == (AT, True)
        missed = [n for n in range(1, 201) if mover.set_at(AT + n).now != AT + n or reader.now() != AT + n]
        assert missed == [], f"{len(missed)} of 200 moves of a frozen clock not seen by the next read"
        mover.advance_within(900, 0, 2**40)
        real.tick(600)
        assert reader.now() == AT + 200 + 900
        mover.freeze(False)
        real.tick(3)
        assert (reader.reading().now, reader.reading().frozen) == (AT + 1103, False)


def test_a_reset_thaws_the_clock(app_config: dict[str, Any]) -> None:
    with freeze_time(START):
        core = create_app(app_config).extensions["sls"]
        other = create_app(app_config).extensions["sls"]
        other.clock.now()
        core.clock.set_at(AT)
        core.clock.freeze(True)
        assert other.clock.reading().frozen
        was, reading = core.clock.reset()
        assert (was.now, was.frozen) == (AT, True)
        assert (reading.now, reading.offset_s, reading.frozen) == (T0, 0, False)
        assert (other.clock.now(), other.clock.reading().frozen) == (T0, False)
        core.clock.freeze(True)
        core.reset_world()  # the clock's key goes with everything else: real time, running
        assert (other.clock.now(), other.clock.reading().frozen) == (T0, False)


def test_freezing_twice_or_thawing_a_running_clock_changes_nothing(app_config: dict[str, Any]) -> None:
    with freeze_time(START) as real:
        clock = create_app(app_config).extensions["sls"].clock
        clock.set_at(AT)
        assert clock.freeze(False).now == AT
        clock.freeze(True)
        real.tick(30)
        assert clock.freeze(True).now == AT, "a second freeze must not take the clock to real time's now"


@pytest.mark.skipif(TOPOLOGY != "single", reason="reads one redis-server's own stats")
def test_warm_reads_of_a_frozen_clock_cost_no_round_trip(app_config: dict[str, Any], redis_url: str) -> None:
    core = create_app(app_config).extensions["sls"]
    core.clock.freeze(True)
    raw = redis.Redis.from_url(redis_url)
    core.clock.now()  # subscribed, and the frozen instant read
    calls = int(raw.info("commandstats").get("cmdstat_get", {}).get("calls", 0))
    for _ in range(50):
        assert core.clock.reading().frozen
    assert int(raw.info("commandstats").get("cmdstat_get", {}).get("calls", 0)) == calls

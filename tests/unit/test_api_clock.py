"""The API tests' shared freeze (``tests/api_clock.py``): started once, it walks the loaded modules once, is
moved back to its instant for each test, and gives real time back when thawed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import freezegun.api
import pytest
from api_clock import SharedFreeze
from freezegun import freeze_time

INSTANT = "2030-01-01 12:00:00"
EPOCH = datetime(2030, 1, 1, 12, tzinfo=UTC).timestamp()


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules freezegun looks into, one name per look."""
    seen: list[str] = []
    look = freezegun.api._get_cached_module_attributes

    def counted(module: object) -> object:
        seen.append(getattr(module, "__name__", "?"))
        return look(module)  # type: ignore[arg-type]

    monkeypatch.setattr(freezegun.api, "_get_cached_module_attributes", counted)
    return seen


def test_a_second_freeze_walks_no_module_and_is_back_at_the_instant(walks: list[str]) -> None:
    clock = SharedFreeze(INSTANT)
    try:
        clock.freeze()
        assert time.time() == EPOCH and len(walks) > 100
        first = len(walks)
        with freeze_time("2031-06-01"):  # a test's own freeze, inside
            assert time.time() > EPOCH
        assert clock.clock is not None
        clock.clock.tick(90)
        clock.freeze()  # the next test
        assert time.time() == EPOCH
        assert len(walks) == first
    finally:
        clock.thaw()
    assert not clock.on
    assert abs(time.time() - datetime.now(UTC).timestamp()) < 5 and time.time() < EPOCH


def test_a_thaw_under_a_test_s_own_running_freeze_says_so() -> None:
    clock = SharedFreeze(INSTANT)
    clock.freeze()
    own = freeze_time("2031-06-01")
    own.start()
    try:
        with pytest.raises(RuntimeError, match="never stopped"):
            clock.thaw()
    finally:
        own.stop()
        clock.thaw()
    assert not clock.on and time.time() < EPOCH


def test_thawing_a_clock_that_is_not_frozen_does_nothing() -> None:
    clock = SharedFreeze(INSTANT)
    clock.thaw()
    assert not clock.on and time.time() < EPOCH

"""The API tests' freeze outlives a test (``tests/api_clock.py``), but a fixture wider than a test is still
made in real time, as before: a module's fixture here, made after the API test before it left the clock
frozen, and the test itself at the frozen instant."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from conftest import API_CLOCK

FROZEN_EPOCH = datetime(2030, 1, 1, 12, tzinfo=UTC).timestamp()


@pytest.fixture(scope="module")
def made_at() -> float:
    return time.time()


def test_a_module_fixture_is_made_in_real_time(made_at: float) -> None:
    assert made_at < FROZEN_EPOCH, "made under the API tests' frozen clock"
    assert time.time() == FROZEN_EPOCH and API_CLOCK.on


def test_the_next_test_is_at_the_frozen_instant_again(made_at: float) -> None:
    assert API_CLOCK.clock is not None
    API_CLOCK.clock.tick(3600)  # as a test's move would; the next test starts at FROZEN_AT again
    assert time.time() == FROZEN_EPOCH + 3600 and made_at < FROZEN_EPOCH

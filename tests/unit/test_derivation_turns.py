"""``accounts.derivation_turns``: a process runs at most its share of the cores' Argon2id derivations at once,
and a derivation that waits for a turn gets one when another ends, whatever that one's outcome."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

import pytest

from sls_server.accounts.derivation_turns import available_cores, share_cores, turn
from sls_server.accounts.passwords import PasswordHasher

PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture(autouse=True)
def every_core_again() -> Iterator[None]:
    """The process's share as it was before the test: every core it may run on."""
    yield
    share_cores(1)


def _turns_free() -> int:
    """How many single-lane turns can be taken now (all given back before returning)."""
    slots = turn(1)
    assert isinstance(slots, threading.BoundedSemaphore)
    taken = 0
    while taken < 1000 and slots.acquire(blocking=False):
        taken += 1
    for _ in range(taken):
        slots.release()
    return taken


def test_a_process_s_share_is_its_part_of_the_cores_and_at_least_one() -> None:
    cores = len(os.sched_getaffinity(0))
    assert available_cores() == cores
    assert _turns_free() == cores  # before any share is set: every core
    assert share_cores(1) == cores and _turns_free() == cores
    assert share_cores(2) == max(1, cores // 2) and _turns_free() == max(1, cores // 2)
    assert share_cores(cores * 3) == 1 and _turns_free() == 1  # more processes than cores: one each
    assert share_cores(0) == cores  # nonsense counts as one process


@pytest.mark.parametrize("derive", ["verify", "hash"])
def test_a_derivation_waits_for_a_turn_while_every_turn_is_taken(derive: str) -> None:
    hasher = PasswordHasher("test")
    encoded = hasher.hash(PASSWORD)
    work: Callable[[], object] = (
        (lambda: hasher.verify(PASSWORD, encoded)) if derive == "verify" else (lambda: hasher.hash(PASSWORD))
    )
    share_cores(available_cores())  # one turn
    results: list[object] = []
    waiting = threading.Thread(target=lambda: results.append(work()))
    with turn(1):
        waiting.start()
        waiting.join(timeout=0.5)  # a test-profile derivation takes microseconds: it would be done
        assert waiting.is_alive() and not results, "it derived while every turn was taken"
    waiting.join(timeout=30)
    assert not waiting.is_alive() and results and results[0]  # True, or a PHC string


def test_a_wrong_password_gives_its_turn_back() -> None:
    hasher = PasswordHasher("test")
    encoded = hasher.hash(PASSWORD)
    share_cores(available_cores())
    assert hasher.verify("not-the-password", encoded) is False
    assert hasher.verify("not-the-password", "not a hash at all") is False
    assert _turns_free() == 1

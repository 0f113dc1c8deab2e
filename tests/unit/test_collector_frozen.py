"""The test process keeps what collection built out of the cyclic collector's sight (``tests/conftest.py``'s
``pytest_collection_finish``): a full collection walked every module the suite imports again, about a fifth
of an in-process test's CPU (docs/performance.md, the suite's time)."""

from __future__ import annotations

import gc


def test_what_collection_built_is_frozen() -> None:
    # this module, pytest and whatever collection imported: far more than 10,000 objects in any run
    assert gc.get_freeze_count() > 10_000


def test_a_test_that_unfreezes_leaves_the_freeze_behind(collector_unfrozen: None) -> None:
    assert gc.get_freeze_count() == 0


def test_after_it_the_freeze_is_back() -> None:
    """Runs after the one above in its file's order (and in one worker under xdist's worksteal, most of the
    time); either way the freeze must hold."""
    assert gc.get_freeze_count() > 10_000

"""The suite's order (``tests/slow_first.py``): the slowest files first, the process-heavy directories next,
the quick in-process tests last, each file's tests in their own order."""

from __future__ import annotations

import pytest
from slow_first import SLOWEST, TESTS, rank


def test_every_slowest_file_is_still_there() -> None:
    missing = [name for name in SLOWEST if not (TESTS / name).is_file()]
    assert missing == [], "renamed or gone: update slow_first.SLOWEST"


def test_the_slowest_come_first_then_the_process_heavy_then_the_rest() -> None:
    order = [
        TESTS / "api/test_admin.py",
        TESTS / "unit/test_typecheck.py",
        TESTS / "e2e/test_cli_login.py",
        TESTS / "cluster/test_sentinel_topology.py",
        TESTS.parent / "sls_scenarios/library/test_x.py",
        TESTS / "browser/test_pages.py",
    ]
    ranked = sorted(order, key=rank)
    assert ranked == [
        TESTS / "cluster/test_sentinel_topology.py",
        TESTS / "unit/test_typecheck.py",
        TESTS / "e2e/test_cli_login.py",
        TESTS / "browser/test_pages.py",
        TESTS / "api/test_admin.py",
        TESTS.parent / "sls_scenarios/library/test_x.py",
    ]


def test_this_run_collected_in_that_order(request: pytest.FixtureRequest) -> None:
    ranks = [rank(item.path) for item in request.session.items]
    assert ranks == sorted(ranks)

"""The suite's slow tests run first, its quick ones last, so that no CPU idles at the end of a run.

xdist's ``worksteal`` hands each worker an equal share of the tests in collection order and lets a worker
that ran out take the second half of another's queue; a test already started cannot be shared. In the
directories' own order the last tests a worker ran could be a 45 s Sentinel failover or a 40 s benchmark,
while the other workers, done, waited (docs/performance.md, the suite's time). Collected in this order, the
slowest files run at the start, the tests that start processes (servers, browsers, clusters, nested pytest
runs) next, and the thousands of quick in-process tests of ``tests/api`` and ``tests/unit`` last, where they
even out the end. Only the order changes: within a file the tests keep theirs, and every test still runs."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).parent
#: The files of the slowest tests, 10 s or more each in a full run on two CPUs (``--durations=60``), slowest
#: first. One missing here only runs later; a file renamed is caught by tests/unit/test_slow_first.py.
SLOWEST = (
    "cluster/test_sentinel_topology.py",
    "e2e/test_bench.py",
    "browser/test_accessibility_pages.py",
    "fuzz/test_openapi_fuzz.py",
    "browser/test_accessibility_titles.py",
    "fuzz/test_hostile_inputs.py",
    "e2e/test_bench_instructions.py",
    "e2e/test_scenario_on_demo.py",
    "e2e/test_scale_out.py",
    "unit/test_typecheck.py",
    "e2e/test_gateway_leases.py",
    "cluster/test_sentinel.py",
    "browser/test_accessibility_reflow.py",
)
#: The directories whose tests start processes or drive a browser: seconds each, against tenths.
PROCESS_HEAVY = ("cluster", "e2e", "browser", "fuzz", "scenarios")
_SLOWEST_RANK = {TESTS / name: rank for rank, name in enumerate(SLOWEST)}


def rank(path: Path) -> tuple[int, int]:
    """Where a test file's tests go: the slowest files in their order, then the process-heavy directories,
    then the rest."""
    slow = _SLOWEST_RANK.get(path)
    if slow is not None:
        return (0, slow)
    if path.is_relative_to(TESTS) and path.relative_to(TESTS).parts[0] in PROCESS_HEAVY:
        return (1, 0)
    return (2, 0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest's own ordering (which groups the tests of a parametrized wider fixture), stably: each
    file's tests, and the files of one rank, keep their order."""
    items.sort(key=lambda item: rank(item.path))

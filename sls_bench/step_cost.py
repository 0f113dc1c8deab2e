"""CPU per step of the login flow, ``sls`` against the baseline, in one process: no HTTP, no gunicorn.

``sls bench`` measures what a deployment serves, but on a shared two-core machine its flows/s wander by a
fifth from run to run, more than most changes to the hot path. This measures the part a change to the app
moves: the CPU time (``time.process_time``) this process spends per step, calling each WSGI app directly
with the environ a server would build. Redis runs in its own process, so its work is not in these numbers;
waiting for it is not CPU either. The two apps take turns in ``--blocks`` blocks, so whatever else the
machine does falls on both alike, and the ratio of the two is the steadiest number here.

Redis's own CPU per flow is read from ``INFO cpu`` around each block: on a machine whose cores the server
and Redis share, what a flow costs Redis is taken from the server too. The round trips each step makes are
counted once, after the blocks, on redis-py's connections (one per command sent alone or per pipeline).

``--budget`` also times named parts of each app's work: outermost calls only, and a part may contain
another (the pipelines that carry queued writes contain their round trips). The timers cost a few
microseconds each, so both flows read a little slower with it. ``--profile N`` runs one more block of
the app's flows under cProfile and shows the N functions with the most time of their own, per flow. That
is wall time (a CPU timer is a system call here, and would swamp what it measures): waiting for Redis shows
as ``recv_into``.

python sls_bench/step_cost.py --flows 1000 --budget --profile 15
"""

from __future__ import annotations

import argparse
import cProfile
import time
from collections.abc import Callable, Iterable
from typing import Any

from sls_bench.cost_meters import Budget, RoundTrips, profile_rows, time_parts
from sls_bench.flow import STEPS, one_flow
from sls_bench.redis_stats import RedisCounters
from sls_bench.report import emit
from sls_bench.wsgi_apps import WARM_FLOWS, both_apps


def measure(flows: int, blocks: int, budget: Budget | None, top: int = 0) -> dict[str, Any]:
    with both_apps() as both:
        apps, users = both.callers, both.users
        totals = {name: dict.fromkeys(STEPS, 0.0) for name in apps}
        counters = {name: RedisCounters(both.redis_url) for name in apps}  # Redis's CPU in measured blocks
        turn = 0

        def run(name: str, count: int, into: dict[str, float] | None) -> None:
            nonlocal turn
            if budget is not None:
                budget.scope = name
            if into is not None:
                counters[name].start()
            for _ in range(count):
                marks = one_flow(apps[name], users[turn % len(users)], clock=time.process_time)
                turn += 1
                if into is not None:
                    for step in STEPS:
                        into[step] += marks[step]
            if into is not None:
                counters[name].stop()

        for name in apps:
            run(name, WARM_FLOWS, None)  # warm: the app's hints, both apps' connections
        if budget is not None:
            budget.seconds.clear()
        per_block = max(1, flows // blocks)
        for _ in range(blocks):
            for name in apps:
                run(name, per_block, totals[name])
        done = per_block * blocks
        spent = dict(budget.seconds) if budget is not None else {}  # before the flows below
        with RoundTrips() as trips:  # a user seen before: the app's hints are warm, as in a steady run
            round_trips = {name: one_flow(caller, users[0], clock=trips) for name, caller in apps.items()}
        profile = cProfile.Profile() if top else None
        if profile is not None:
            if budget is not None:
                budget.restore()  # so the timers are not in the profile; the hooks the app holds still are
            profile.enable()
            run("app", per_block, None)
            profile.disable()
        redis_per_flow = {
            name: round(c.per_flow(done)["cpu_ms_per_flow"] * 1000, 1) for name, c in counters.items()
        }
        for each in counters.values():
            each.close()
    report: dict[str, Any] = {"flows": done, "blocks": blocks}
    for name, total in totals.items():
        report[name] = {step: round(total[step] / done * 1e6, 1) for step in STEPS}
        report[name]["flow"] = round(sum(total.values()) / done * 1e6, 1)
    report["ratio"] = {
        step: round(report["app"][step] / report["baseline"][step], 2) for step in (*STEPS, "flow")
    }
    report["redis_cpu_us_per_flow"] = redis_per_flow
    report["round_trips"] = {name: {k: int(v) for k, v in got.items()} for name, got in round_trips.items()}
    if budget is not None:
        labels = sorted({label for _, label in spent}, key=lambda label: -spent.get(("app", label), 0.0))
        report["budget_us_per_flow"] = {
            label: {name: round(spent.get((name, label), 0.0) / done * 1e6, 1) for name in apps}
            for label in labels
        }
    if profile is not None:
        report["profile"] = {"flows": per_block, "top": profile_rows(profile, per_block, top)}
    return report


def table(report: dict[str, Any]) -> Iterable[str]:
    columns = (*STEPS, "flow")
    yield (
        f"CPU µs per step, one process, {report['flows']} flows each in {report['blocks']} alternating blocks"
    )
    yield f"{'':10}" + "".join(f"{c:>10}" for c in columns)
    for name in ("app", "baseline", "ratio"):
        yield f"{name:10}" + "".join(f"{report[name][c]:>10}" for c in columns)
    if "budget_us_per_flow" in report:
        yield "named parts, CPU µs per flow (a part may contain another):"
        yield f"{'app':>10}{'baseline':>10}"
        for label, micros in report["budget_us_per_flow"].items():
            yield f"{micros['app']:>10}{micros['baseline']:>10}  {label}"
    cpu = report["redis_cpu_us_per_flow"]
    yield f"Redis's own CPU µs per flow: app {cpu['app']}, baseline {cpu['baseline']}"
    for name, marks in report["round_trips"].items():
        yield f"Redis round trips, {name}: " + ", ".join(f"{step} {marks[step]}" for step in columns)
    if "profile" in report:
        profile = report["profile"]
        yield f"the app under cProfile, {profile['flows']} flows, per flow (cProfile's own cost included):"
        yield f"{'calls':>8}{'own µs':>10}{'total µs':>10}  function"
        for row in profile["top"]:
            yield f"{row['calls']:>8}{row['own_us']:>10}{row['total_us']:>10}  {row['function']}"


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flows", type=int, default=1000, help="flows per app (after 30 to warm up)")
    parser.add_argument("--blocks", type=int, default=10, help="turns the two apps take")
    parser.add_argument("--budget", action="store_true", help="also time named parts of the app's work")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="one more block of the app under cProfile: top N"
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    options = parser.parse_args(argv)
    budget = Budget() if options.budget else None
    if budget is not None:
        time_parts(budget)
    report = measure(options.flows, options.blocks, budget, options.profile)
    emit(report, options.json, table, out)


if __name__ == "__main__":
    main()

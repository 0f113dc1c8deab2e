"""Does "Forgot your password?" tell by its time which names are users' (ASVS 5.0 6.3.8)? Starts of a
recovery (``POST /api/v1/auth/recovery``) at users' names, each with a phone, against starts at names no user
has, on a real Redis of the run's own.

Each round starts one recovery at every user's name and one at every made-up name, in pairs, the pair's
order drawn at random, so whatever else the machine does falls on both alike; each start is timed on the
wall clock (``time.perf_counter``) from the call to its answer, Redis's waits included. In one process
(``step_cost.Wsgi``: no socket, no HTTP server, no log handler), or with ``--serve`` over HTTP to an
``sls serve`` of one worker and one thread, which writes its log as a deployment does. The first
``SLS_SMS_SEND_LIMIT`` rounds text the users' phones; the rounds after them meet the send limit (a user's
sixth text in ten minutes is refused), a path of its own: the report gives both phases apart. The round
trips each kind of start makes are counted at the end of each round, as Redis counts them
(``redis_stats.client_reads``), on a user and a made-up name of their own.

Printed per phase: the median of each kind in ms and their difference, the median of the pairs' own
differences (the steadiest of these on a busy machine), and the share of the users' starts slower than the
made-up names' median (0.5 when nothing tells them apart).

``--cpu`` times each start by this thread's CPU instead (one process only): the app's own work, without
Redis's time or the waits for it.

python sls_bench/recovery_timing.py [--users 40] [--rounds 12] [--seed 1] [--serve | --cpu] [--json]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sls_bench.flow import Caller, Http
from sls_bench.redis_stats import client_reads
from sls_bench.report import emit
from sls_bench.servers import start_sls
from sls_bench.wsgi_apps import Wsgi
from sls_server import create_app
from sls_server.config import Settings
from sls_server.store import connect
from sls_server.store.embedded import EmbeddedRedis

ADMIN_TOKEN = "r" * 24
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "Violet-Harbour-Lantern-42"
#: The server's own settings, but a cheap hash to seed the users and no limit on starts from one address (one
#: address starts them all here): the send limits the starts meet are the server's own.
SETTINGS = {"HASH_PROFILE": "test", "ADMIN_TOKEN": ADMIN_TOKEN, "IP_THROTTLE_LIMIT": 1_000_000}
START = "/api/v1/auth/recovery"
KINDS = ("user", "unknown")


def seed_users(caller: Caller, names: Iterable[str], first: int = 0) -> None:
    """Each name a user with a phone of its own (the code goes there; numbered from ``first``), through the
    admin API."""
    for number, name in enumerate(names, start=first):
        status, body = caller.call("POST", "/admin/v1/users", {"username": name, "password": PASSWORD}, ADMIN)
        assert status == 201, body
        phone = {"phone": f"+1555{number:07d}"}
        status, body = caller.call("PUT", f"/admin/v1/users/{name}/phone", phone, ADMIN)
        assert status == 200, body


def timed_start(caller: Caller, name: str, clock: Callable[[], float] = time.perf_counter) -> float:
    """One start at ``name``, in ms; it must be answered as every start is."""
    started = clock()
    status, body = caller.call("POST", START, {"username": name})
    spent = (clock() - started) * 1000
    assert status == 200 and body["state"] == "code_sent", body
    return spent


def round_trips(caller: Caller, name: str, observer: Any) -> int:
    """One start at ``name``, its round trips as Redis counts them (``redis_stats.client_reads``: a read per
    command sent alone or per pipeline), less the observer's own ``INFO``."""
    before = client_reads(observer.info("all"))
    caller.call("POST", START, {"username": name})
    return client_reads(observer.info("all")) - before - 1


def summary(samples: dict[str, list[float]]) -> dict[str, Any]:
    """Medians in ms and their difference; the median of the pairs' own differences (a pair's two starts
    ran a moment apart, so the machine's slow minutes fall on both); and the share of the users' starts
    slower than the made-up names' median."""
    user, unknown = (statistics.median(samples[kind]) for kind in KINDS)
    slower = sum(1 for spent in samples["user"] if spent > unknown) / len(samples["user"])
    paired = statistics.median(a - b for a, b in zip(samples["user"], samples["unknown"], strict=True))
    return {
        "samples": len(samples["user"]),
        "user_ms": round(user, 3),
        "unknown_ms": round(unknown, 3),
        "difference_ms": round(user - unknown, 3),
        "paired_difference_ms": round(paired, 3),
        "user_slower_than_unknown_median": round(slower, 3),
    }


def measure(users: int, rounds: int, seed: int, serve: bool = False, cpu: bool = False) -> dict[str, Any]:
    """``cpu``: each start timed by this thread's CPU (``time.thread_time``), not the wall clock: the app's
    own work alone, Redis's time and the waits for it left out, which a busy machine's wall clock drowns
    (one process only: over HTTP the work is another process's)."""
    if cpu and serve:
        raise ValueError("--cpu times the app in this process: not with --serve")
    clock = time.thread_time if cpu else time.perf_counter
    with (
        tempfile.TemporaryDirectory() as data,
        EmbeddedRedis(Path(data) / "redis", appendonly=False) as server,
    ):
        if not serve:
            app = create_app({**SETTINGS, "REDIS_URL": server.url, "DATA_DIR": data})
            return {
                **sampled(Wsgi(app), server.url, users, rounds, seed, clock),
                "clock": "cpu" if cpu else "wall",
            }
        settings = {f"SLS_{name}": str(value) for name, value in SETTINGS.items()}
        process, _ = start_sls(Path(data), workers=1, threads=1, redis_url=server.url, settings=settings)
        caller = Http(process.url)
        try:
            return {**sampled(caller, server.url, users, rounds, seed), "clock": "wall"}
        finally:
            caller.close()
            process.stop()


def sampled(
    caller: Caller,
    redis_url: str,
    users: int,
    rounds: int,
    seed: int,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Any]:
    """The rounds of starts through ``caller``, on the Redis at ``redis_url``, each timed by ``clock``."""
    draw = random.Random(seed)
    tag = f"{draw.randrange(16**6):06x}"
    real = [f"user-{tag}-{n}" for n in range(users)]
    made_up = [f"nobody-{tag}-{n}" for n in range(users)]
    texted_rounds = Settings().sms_send_limit
    observer = connect(redis_url)
    seed_users(caller, real)
    counted = {"user": f"counted-{tag}", "unknown": f"uncounted-{tag}"}  # whose round trips are counted
    seed_users(caller, [counted["user"]], first=users)
    for name in counted.values():  # the app's first requests load what later ones reuse: not timed
        caller.call("POST", START, {"username": f"warm-{name}"})
    phases: dict[str, dict[str, list[float]]] = {
        "texted": {kind: [] for kind in KINDS},
        "send_limited": {kind: [] for kind in KINDS},
    }
    trips: dict[str, dict[str, int]] = {}
    for round_no in range(rounds):
        phase = "texted" if round_no < texted_rounds else "send_limited"
        for pair in zip(real, made_up, strict=True):
            order = list(zip(KINDS, pair, strict=True))
            draw.shuffle(order)
            for kind, name in order:
                phases[phase][kind].append(timed_start(caller, name, clock))
        trips[phase] = {kind: round_trips(caller, counted[kind], observer) for kind in KINDS}  # as often
    observer.close()
    report: dict[str, Any] = {"users": users, "rounds": rounds}
    for phase, samples in phases.items():
        if samples["user"]:
            report[phase] = {**summary(samples), "round_trips": trips.get(phase, {})}
    return report


def table(report: dict[str, Any]) -> Iterable[str]:
    how = "ms of this thread's CPU" if report.get("clock") == "cpu" else "ms"
    names = f"{report['users']} users' names and as many made-up names"
    yield f"{names}, {report['rounds']} rounds, {how} per start"
    yield f"{'':14}{'samples':>9}{'user':>9}{'unknown':>9}{'diff':>9}{'paired':>9}{'slower':>9}  round trips"
    for phase in ("texted", "send_limited"):
        if phase in report:
            row = report[phase]
            trips = ", ".join(f"{kind} {count}" for kind, count in row["round_trips"].items())
            yield (
                f"{phase:14}{row['samples']:>9}{row['user_ms']:>9}{row['unknown_ms']:>9}"
                f"{row['difference_ms']:>9}{row['paired_difference_ms']:>9}"
                f"{row['user_slower_than_unknown_median']:>9}  {trips}"
            )


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=40, help="users' names, and as many made-up names")
    parser.add_argument(
        "--rounds", type=int, default=12, help="starts at every name (5 texted, the rest limited)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the pairs' order")
    parser.add_argument(
        "--serve",
        action="store_true",
        help="through HTTP to an `sls serve` (one worker, one thread, its log)",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time each start by this thread's CPU (the app's work alone; not with --serve)",
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    options = parser.parse_args(argv)
    if options.cpu and options.serve:
        parser.error("--cpu times the app in this process: not with --serve")
    report = measure(options.users, options.rounds, options.seed, options.serve, options.cpu)
    emit(report, options.json, table, out)


if __name__ == "__main__":
    main()

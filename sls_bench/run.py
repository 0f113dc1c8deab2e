"""``sls bench``: one run, in the order that keeps the numbers honest.

1. Start-up: ``sls serve`` with its own embedded Redis, from ``Popen`` to ``/readyz``, then stopped.
2. The flow users (each client its own few, so no two clients share a session), seeded into one Redis.
3. ``sls serve`` (W x T, on that Redis), the baseline (same gunicorn settings, same Redis) and, with
   ``--against``, ``sls serve`` from another checkout, all started; then the same C clients drive each in
   turn, R rounds of D/R seconds each, so that whatever else the machine is doing falls on all alike (one
   long run of each, one after the other, gave ratios from 0.39 to 0.56 for the same code on this
   project's shared 2-core machine); Redis counters around each slice. The hashing bound (all cores, the
   profile's Argon2id) takes its turn in each round too, for D/R seconds while the servers idle: measured
   once before the servers, it and the flows fell on different minutes of a machine whose speed drifts,
   and the share of it read from 0.62 to 0.90 for the same code. All stopped.
4. 100,000 users seeded with one card each, and their bytes in Redis.
"""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sls_server.store.embedded import EmbeddedRedis

from .against import OtherCode, checked_out
from .hashing import hashing_bound
from .seed import Seeded, Seeder
from .servers import bench_key, start_baseline, start_sls
from .target import Target

USERS_PER_CLIENT = 4
ADMIN_TOKEN = "bench-admin-token-" + "0" * 16


@dataclass(frozen=True)
class Options:
    workers: int = 2
    threads: int = 4
    clients: int = 16
    processes: int = 2
    duration_s: float = 10.0
    hash_profile: str = "test"
    redis_url: str | None = None
    seed_users: int = 100_000
    baseline: bool = True
    rounds: int = 4
    against: str | None = None
    """Another checkout (a folder or a git revision) whose ``sls serve`` takes its turns too."""


def run(options: Options, progress: Any = print) -> dict[str, Any]:
    """One run; ``--against`` is checked out and checked before anything starts, and removed after. So is
    the working folder (the servers' logs and data, the embedded Redis and its AOF, tens of MB a run): a
    server that does not start is reported with the end of its log."""
    with contextlib.ExitStack() as stack:
        workdir = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="sls-bench-", ignore_cleanup_errors=True))
        )
        other = stack.enter_context(checked_out(options.against, workdir)) if options.against else None
        return _run(options, workdir, other, progress)


def _run(options: Options, workdir: Path, other: OtherCode | None, progress: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg(), "python": platform.python_version()},
        "options": {k: v for k, v in vars(options).items() if k != "redis_url"},
    }
    secret_key = bench_key(options.redis_url)
    settings = {
        "SLS_SECRET_KEY": secret_key.hex(),
        "SLS_ADMIN_TOKEN": ADMIN_TOKEN,
        "SLS_HASH_PROFILE": options.hash_profile,
        "SLS_CHALLENGE_ISSUE_LIMIT": "1000",  # each client's users log in many times a minute
    }
    progress("start-up: sls serve with its embedded Redis, to /readyz")
    server, startup_s = start_sls(
        workdir,
        workers=options.workers,
        threads=options.threads,
        redis_url=None,
        settings=settings,
        name="startup",
    )
    server.stop()
    report["startup_s"] = round(startup_s, 3)

    embedded = None if options.redis_url else EmbeddedRedis(workdir / "redis").start()
    redis_url = options.redis_url or embedded.url  # type: ignore[union-attr]  # one of the two is set
    seeder = Seeder(redis_url, secret_key, options.hash_profile)
    try:
        tag = secrets.token_hex(3)
        users, _ = seeder.seed(f"bench-{tag}", options.clients * USERS_PER_CLIENT)
        clients = [users[i * USERS_PER_CLIENT : (i + 1) * USERS_PER_CLIENT] for i in range(options.clients)]
        report.update(_drive(workdir, redis_url, settings, clients, options, other, progress))
        if options.seed_users:
            progress(f"memory: {options.seed_users:,} users with one card each")
            before = seeder.used_memory()
            seeded, seconds = seeder.seed(f"mem-{tag}", options.seed_users)
            report["memory"] = {
                "users": options.seed_users,
                "seed_seconds": round(seconds, 2),
                "used_memory_delta_per_user": (seeder.used_memory() - before) / options.seed_users,
                **seeder.memory_per_user(seeded),
            }
    finally:
        seeder.close()
        if embedded is not None:
            embedded.stop()
    report["targets"] = targets(report, options)
    return report


def _drive(
    workdir: Path,
    redis_url: str,
    settings: dict[str, str],
    clients: list[list[Seeded]],
    options: Options,
    other: OtherCode | None,
    progress: Any,
) -> dict[str, Any]:
    """``sls serve``, the other code's (``--against``) and the baseline (unless left out), driven in turns:
    {"app": ..., "against": ..., "baseline": ...}."""
    serve = functools.partial(
        start_sls,
        workdir,
        workers=options.workers,
        threads=options.threads,
        redis_url=redis_url,
        settings=settings,
    )
    app, _ = serve()
    targets = {"app": Target(app, redis_url)}
    shown = {"app": "sls serve", "baseline": "baseline (the bare Flask app)"}
    try:
        if other is not None:
            try:
                before, _ = serve(name="against", code=other)
            except RuntimeError as exc:  # code too far back for this Redis, its settings or its users
                raise RuntimeError(f"--against {other.label}: its sls serve did not start: {exc}") from None
            targets["against"] = Target(before, redis_url)
            shown["against"] = f"sls serve from {other.label}"
        if options.baseline:
            baseline = start_baseline(
                workdir, workers=options.workers, threads=options.threads, redis_url=redis_url
            )
            targets["baseline"] = Target(baseline, redis_url)
        slice_s = options.duration_s / options.rounds
        bounds: list[dict[str, Any]] = []
        for turn in range(options.rounds):
            for name in turns(list(targets), turn):
                target = targets[name]
                progress(
                    f"round {turn + 1}/{options.rounds}, {shown[name]}: {options.clients} clients in "
                    f"{options.processes} processes for {slice_s:g} s"
                )
                target.drive(clients, processes=options.processes, duration_s=slice_s)
            progress(
                f"round {turn + 1}/{options.rounds}, hashing bound: Argon2id '{options.hash_profile}' on "
                f"{os.cpu_count()} cores for {slice_s:g} s"
            )
            bounds.append(hashing_bound(options.hash_profile, seconds=slice_s))
        reports: dict[str, Any] = {name: target.report() for name, target in targets.items()}
        reports["hashing"] = hashing_by_round(bounds)
        if "baseline" in reports:
            reports["share_by_round"] = share_by_round(reports["app"], reports["baseline"])
        if "against" in reports:
            reports["change_by_round"] = share_by_round(reports["app"], reports["against"])
        return reports
    finally:
        for target in targets.values():
            target.close()


def turns(names: list[str], turn: int) -> list[str]:
    """The order the targets take their turns in round ``turn``: as started, except that this code and the
    other code (``--against``) swap places every other round, so neither always follows the hashing
    bound's slice or always precedes the baseline's."""
    if turn % 2 and names[:2] == ["app", "against"]:
        return ["against", "app", *names[2:]]
    return names


def hashing_by_round(bounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The bound over the whole run (its slices are of equal length: their rates' mean), and each slice's."""
    rates = [bound["hashes_per_s"] for bound in bounds]
    return {
        "profile": bounds[0]["profile"],
        "processes": bounds[0]["processes"],
        "seconds": round(sum(bound["seconds"] for bound in bounds), 3),
        "hashes_per_s": sum(rates) / len(rates),
        "hashes_per_s_by_round": [round(rate, 2) for rate in rates],
    }


def share_by_round(app: dict[str, Any], baseline: dict[str, Any]) -> list[float]:
    """The app's flows/s over the baseline's (or the other code's) in each round, their turns in the same
    round. On a machine the clients share, one round's share swings by a fifth or more from the next: the
    spread says how far to trust the share of the whole run."""
    return [
        round(mine / theirs, 3) if theirs else 0.0
        for mine, theirs in zip(app["flows_per_s_by_round"], baseline["flows_per_s_by_round"], strict=True)
    ]


def targets(report: dict[str, Any], options: Options) -> list[dict[str, Any]]:
    """Issue 13's targets against what was measured: (what, target, measured, met)."""
    app, base = report.get("app", {}), report.get("baseline")
    rows: list[dict[str, Any]] = []

    def row(what: str, target: str, measured: float, met: bool) -> None:
        rows.append({"what": what, "target": target, "measured": round(measured, 3), "met": met})

    if base and options.hash_profile == "test":
        share = app["flows_per_s"] / base["flows_per_s"] if base["flows_per_s"] else 0.0
        row("flows/s, share of the baseline's", ">= 0.60", share, share >= 0.6)
    if options.hash_profile != "test":
        share = app["flows_per_s"] / report["hashing"]["hashes_per_s"]
        row("flows/s, share of the hashing bound", ">= 0.90", share, share >= 0.9)
    if base:
        ratio = app["steps"]["verify"]["p99_ms"] / max(base["steps"]["verify"]["p99_ms"], 0.001)
        row(f"verify p99 / baseline's ({options.clients} clients)", "<= 2.0", ratio, ratio <= 2.0)
    trips = app["redis"]["round_trips_per_flow"]
    row("Redis round trips per flow", "<= 6", trips, trips <= 6)
    if "memory" in report:
        size = report["memory"]["bytes_per_user"]
        row("Redis bytes per user with one card", "<= 2048", size, size <= 2048)
    row(
        "sls serve start to /readyz (s), embedded Redis",
        "<= 1.5",
        report["startup_s"],
        report["startup_s"] <= 1.5,
    )
    return rows

"""``sls bench``: the login flow's throughput and latency against a bare baseline, and the lockout flood.

The work is done by the ``bench`` package (shipped beside ``sls_server``); this is its command line.
"""

from __future__ import annotations

import os

import click
from redis.exceptions import RedisError

from ..config import PARSERS
from .output import EXIT_USAGE, CliError, mask_url, note, print_json, print_renderable
from .reading import Number, Seconds


def check_redis_url(value: str | None) -> None:
    """--redis-url in a form the server takes (as SLS_REDIS_URL), else a usage error before anything starts.
    Checked when the command runs, not as the option is read: docs/operations.md's placeholder URL still
    parses."""
    if value is not None:
        try:
            PARSERS["redis_url"](value)
        except ValueError as exc:
            raise CliError(f"--redis-url: {exc}", EXIT_USAGE) from None


@click.command()
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="gunicorn workers (W)."
)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Threads per worker (T)."
)
@click.option(
    "--clients", type=click.IntRange(1, 1024), default=16, show_default=True, help="Concurrent clients (C)."
)
@click.option(
    "--client-processes",
    type=click.IntRange(1, 256),
    default=None,
    help="Processes the clients run in.  [default: one per CPU]",
)
@click.option(
    "--duration",
    type=Seconds(1, 3600),
    default=10.0,
    show_default=True,
    help="Seconds per target (D).",
)
@click.option(
    "--rounds",
    type=click.IntRange(1, 100),
    default=4,
    show_default=True,
    help="Turns (R): each target is driven for D/R seconds at a time, alternating, so the machine's other "
    "load falls on both alike.",
)
@click.option(
    "--hash-profile",
    type=click.Choice(["test", "standard", "strong"]),
    default="test",
    show_default=True,
    help="Argon2id profile of the server; the hashing bound is measured with it.",
)
@click.option(
    "--redis-url",
    metavar="URL",
    help="Use this Redis (it gets bench users).  [default: an embedded one]",
)
@click.option(
    "--seed-users",
    type=click.IntRange(0, 10_000_000),
    default=100_000,
    show_default=True,
    help="Users seeded with one card each to measure Redis bytes per user; 0 skips it.",
)
@click.option("--no-baseline", is_flag=True, help="Skip the baseline app.")
@click.option(
    "--against",
    metavar="PATH|REV",
    help="Also serve another checkout's code, in the same turns and on the same Redis: a folder holding "
    "sls_server/, or a git revision of this checkout (checked out for the run, removed after). A change "
    "measured against the code before it.",
)
@click.option(
    "--fail-below",
    type=Number(0, 10, min_open=True),
    metavar="RATIO",
    help="With --against: exit 1 when this code serves less than RATIO times the other's flows/s (the "
    "median of the rounds), so a CI job can stop a change that slows the login down.",
)
@click.option("--lockout", is_flag=True, help="Run the lockout flood instead (see --accounts, --attempts).")
@click.option(
    "--accounts", type=click.IntRange(1, 100_000), default=200, show_default=True, help="--lockout: accounts."
)
@click.option(
    "--attempts",
    type=click.IntRange(1, 1000),
    default=12,
    show_default=True,
    help="--lockout: wrong passwords per account.",
)
@click.option(
    "--threshold",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="--lockout: the server's SLS_LOCKOUT_THRESHOLD.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (progress goes to stderr).")
def bench(
    workers: int,
    threads: int,
    clients: int,
    client_processes: int | None,
    duration: float,
    rounds: int,
    hash_profile: str,
    redis_url: str | None,
    seed_users: int,
    no_baseline: bool,
    against: str | None,
    fail_below: float | None,
    lockout: bool,
    accounts: int,
    attempts: int,
    threshold: int,
    as_json: bool,
) -> None:
    """Benchmark the full login flow, against a bare baseline app.

    Starts `sls serve` (W workers x T threads) on an embedded Redis (or --redis-url), drives C clients in
    several processes through login -> challenge -> card response -> verify -> session -> tickle -> logout
    for D seconds, and the baseline (a bare Flask app, sls_bench/baseline.py, same gunicorn settings, same
    routes, one Redis round trip per request) with the same clients, in R alternating turns of D/R seconds
    each.
    Prints flows/s of both and their ratio, p50/p95/p99 per step, Redis round trips per flow, the CPU each
    costs per flow (its server's processes and Redis's own), Redis bytes per user (100,000 seeded), the
    start-up time to /readyz and the hashing bound of the profile. Run it on a quiet machine.

    --against runs a second `sls serve` from other code in every round too, and prints this code's flows/s
    and CPU per flow against it, round by round: `--against .` (the same code) shows this machine's spread.

    --lockout floods N accounts with wrong passwords from several processes at once and checks that each
    got exactly SLS_LOCKOUT_THRESHOLD invalid_credentials before it locked.

    Exits 1 when a check fails (a lock not exact; with --fail-below, a change slower than allowed), after
    printing the report.

    \b
    Examples:
      sls bench
      sls bench --hash-profile standard --clients 16 --duration 20 --json > bench.json
      sls bench --against HEAD~1 --rounds 8 --seed-users 0   # this commit against the one before
      sls bench --against origin/main --rounds 8 --seed-users 0 --no-baseline --fail-below 0.95
      sls bench --lockout --accounts 500 --attempts 12
    """
    check_redis_url(redis_url)
    if lockout and against:
        raise CliError("--against: not with --lockout (the flood measures locks, not a change)", EXIT_USAGE)
    if fail_below is not None and not against:
        raise CliError(
            "--fail-below: only with --against (the code a change is measured against)", EXIT_USAGE
        )
    processes = client_processes or os.cpu_count() or 2
    progress = (lambda text: note(text)) if as_json else (lambda text: note(f"... {text}"))
    try:
        from sls_bench.against import AgainstRefused
        from sls_bench.verdict import change_failure, lockout_failure

        if lockout:
            from sls_bench.lockout import FloodOptions, render, run_flood
        else:
            from sls_bench.report import render
            from sls_bench.run import Options, run
    except ImportError as exc:
        # the bench package is in the wheel: what hides it is another one of that name in its place
        raise CliError(
            f"cannot import the bench package sls-emulator installs ({exc}): another package named bench "
            "shadows it (a sls_bench/ folder or sls_bench.py on PYTHONPATH) or has overwritten it (another "
            "distribution's top-level bench; pip install --force-reinstall --no-deps sls-emulator)",
            EXIT_USAGE,
        ) from None
    try:
        if lockout:
            report = run_flood(
                FloodOptions(accounts, attempts, threshold, processes, clients, workers, threads, redis_url),
                progress,
            )
        else:
            report = run(
                Options(
                    workers,
                    threads,
                    clients,
                    processes,
                    duration,
                    hash_profile,
                    redis_url,
                    seed_users,
                    not no_baseline,
                    rounds,
                    against,
                ),
                progress,
            )
    except AgainstRefused as exc:
        raise CliError(f"--against {exc}", EXIT_USAGE) from None
    except RuntimeError as exc:
        raise CliError(str(exc)) from None
    except RedisError as exc:  # --redis-url: nothing there, a password refused
        raise CliError(f"Redis at {mask_url(redis_url)}: {exc}") from None
    if as_json:
        print_json(report)
    else:
        print_renderable(render(report))
    failed = None
    if lockout:
        failed = lockout_failure(report)
    elif fail_below is not None:
        failed = change_failure(report, fail_below)
    if failed:
        raise CliError(failed, code="check_failed")  # after the report: CI reads the status

"""``sls bench --lockout``: a flood of wrong passwords at many accounts at once, from several processes.

Every account gets the same number of wrong passwords, shuffled together so that all accounts are hit at
once and each account's attempts race each other across processes and workers. What must hold: each account
answered exactly ``SLS_LOCKOUT_THRESHOLD`` times ``401 invalid_credentials`` and every other attempt
``423 account_locked``, or ``429 rate_limited`` while the account's last allowed attempts were still being
checked (the count is reserved in Redis before the password is hashed, so no race lets one more guess
through), and ``/metrics``, summed over the workers, counts the same. Reported: attempts/s.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import secrets
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from sls_server.store.embedded import EmbeddedRedis

from .flow import Http
from .seed import Seeder
from .servers import bench_key, start_sls

WRONG = "wrong-Passphrase-0-flood"


@dataclass(frozen=True)
class FloodOptions:
    accounts: int = 200
    attempts: int = 12
    threshold: int = 5
    processes: int = 2
    threads: int = 16
    """Concurrent clients in all (threads, spread over the processes)."""
    workers: int = 2
    server_threads: int = 4
    redis_url: str | None = None


def _thread(
    url: str, names: list[str], barrier: Any, out: list[tuple[str, int, str]], lock: threading.Lock
) -> None:
    http_ = Http(url)
    barrier.wait()
    seen = []
    for name in names:
        status, body = http_.call("POST", "/api/v1/auth/login", {"username": name, "password": WRONG})
        seen.append((name, status, body.get("error", "") if isinstance(body, dict) else ""))
    http_.close()
    with lock:
        out.extend(seen)


def _process(url: str, shares: list[list[str]], barrier: Any, results: Any) -> None:
    out: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    threads = [threading.Thread(target=_thread, args=(url, names, barrier, out, lock)) for names in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(out)


def flood(url: str, usernames: list[str], *, attempts: int, processes: int, threads: int) -> dict[str, Any]:
    """Send ``attempts`` wrong passwords to each account, shuffled over ``threads`` clients in ``processes``
    processes; the answers by account and the rate."""
    attempts_list = [name for name in usernames for _ in range(attempts)]
    random.shuffle(attempts_list)
    threads = max(1, min(threads, len(attempts_list)))
    per_thread = [attempts_list[i::threads] for i in range(threads)]
    processes = max(1, min(processes, threads))
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(threads + 1), context.Queue()
    workers = [
        context.Process(target=_process, args=(url, per_thread[i::processes], barrier, results))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    answers: list[tuple[str, int, str]] = []
    for _ in workers:
        answers.extend(results.get(timeout=600))
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    by_account: dict[str, Counter[str]] = {name: Counter() for name in usernames}
    for name, status, code in answers:
        by_account[name][f"{status} {code}"] += 1
    return {
        "attempts": len(answers),
        "seconds": elapsed,
        "attempts_per_s": len(answers) / elapsed,
        "by_account": by_account,
    }


CHECKED, LOCKED, BUSY = "401 invalid_credentials", "423 account_locked", "429 rate_limited"


def problems(by_account: dict[str, Counter[str]], *, threshold: int, attempts: int) -> list[str]:
    """Every account whose answers were not exactly ``threshold`` x 401, the rest refused unchecked: 423, or
    429 while its last attempts were in flight."""
    guesses = min(threshold, attempts)

    def exact(seen: Counter[str]) -> bool:
        refused = seen[LOCKED] + seen[BUSY]
        return seen[CHECKED] == guesses and refused == attempts - guesses == seen.total() - guesses

    return [f"{name}: {dict(seen)}" for name, seen in sorted(by_account.items()) if not exact(seen)]


def scraped(url: str, name: str) -> float:
    """The value of one sample of ``/metrics`` (summed over the workers), 0 if absent."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def run_flood(options: FloodOptions, progress: Any = print) -> dict[str, Any]:
    """One flood; its working folder (the server's log and data, the embedded Redis) is removed after."""
    with tempfile.TemporaryDirectory(prefix="sls-flood-", ignore_cleanup_errors=True) as folder:
        return _flood_in(Path(folder), options, progress)


def _flood_in(workdir: Path, options: FloodOptions, progress: Any) -> dict[str, Any]:
    secret_key = bench_key(options.redis_url)
    embedded = None if options.redis_url else EmbeddedRedis(workdir / "redis").start()
    redis_url = options.redis_url or embedded.url  # type: ignore[union-attr]  # one of the two is set
    settings = {
        "SLS_SECRET_KEY": secret_key.hex(),
        "SLS_ADMIN_TOKEN": "bench-admin-token-" + "0" * 16,
        "SLS_HASH_PROFILE": "test",
        "SLS_LOCKOUT_THRESHOLD": str(options.threshold),
        # one client address sends everything: the per-address throttle is not what is measured
        "SLS_IP_THROTTLE_LIMIT": "1000000",
    }
    try:
        seeder = Seeder(redis_url, secret_key, "test")
        users, _ = seeder.seed(f"flood-{secrets.token_hex(3)}", options.accounts)
        seeder.close()
        server, _ = start_sls(
            workdir,
            workers=options.workers,
            threads=options.server_threads,
            redis_url=redis_url,
            settings=settings,
        )
        try:
            progress(
                f"{options.accounts} accounts x {options.attempts} wrong passwords, "
                f"{options.threads} clients in {options.processes} processes"
            )
            result = flood(
                server.url,
                [u.username for u in users],
                attempts=options.attempts,
                processes=options.processes,
                threads=options.threads,
            )
            counted = {
                "invalid_credentials": scraped(
                    server.url, 'sls_login_attempts_total{factor="password",result="invalid_credentials"}'
                ),
                "refused": sum(  # locked, or asked to wait while the last attempts were in flight
                    scraped(server.url, f'sls_login_attempts_total{{factor="password",result="{result}"}}')
                    for result in ("account_locked", "busy")
                ),
                "lockouts": scraped(server.url, 'sls_lockouts_total{kind="account"}'),
            }
        finally:
            server.stop()
    finally:
        if embedded is not None:
            embedded.stop()
    wrong = problems(result["by_account"], threshold=options.threshold, attempts=options.attempts)
    locked = min(options.threshold, options.attempts) == options.threshold
    expected_metrics = {
        "invalid_credentials": options.accounts * min(options.threshold, options.attempts),
        "refused": options.accounts * max(options.attempts - options.threshold, 0),
        "lockouts": options.accounts if locked else 0,
    }
    return {
        "machine": {"cpus": os.cpu_count(), "load_avg": os.getloadavg()},
        "options": {k: v for k, v in vars(options).items() if k != "redis_url"},
        "attempts": result["attempts"],
        "seconds": round(result["seconds"], 3),
        "attempts_per_s": round(result["attempts_per_s"], 1),
        "every_lock_exact": not wrong,
        "inexact_accounts": wrong[:20],
        "metrics": counted,
        "metrics_expected": expected_metrics,
        "metrics_agree": {k: int(v) for k, v in counted.items()} == expected_metrics,
    }


def render(report: dict[str, Any]) -> RenderableType:
    options = report["options"]
    inexact = report["inexact_accounts"]
    lines = [
        Text(
            f"{options['accounts']} accounts x {options['attempts']} wrong passwords "
            f"(threshold {options['threshold']}), {options['threads']} clients in {options['processes']} "
            f"processes, {options['workers']} workers x "
            f"{options['server_threads']} threads; load average "
            + " ".join(f"{x:.2f}" for x in report["machine"]["load_avg"])
        ),
        Text(
            f"{report['attempts']} attempts in {report['seconds']:.2f} s: "
            f"{report['attempts_per_s']:.1f} attempts/s"
        ),
        Text(
            "every account: exactly the threshold of invalid_credentials, the rest refused unchecked"
            if report["every_lock_exact"]
            else f"INEXACT locks: {len(inexact)} account(s), e.g. {inexact[:3]}",
            style="green" if report["every_lock_exact"] else "bold red",
        ),
        Text(
            f"/metrics (summed over workers): {json.dumps(report['metrics'])}; "
            f"agrees: {report['metrics_agree']}"
        ),
    ]
    return Group(*lines)

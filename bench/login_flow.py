"""Throughput and latency of the full login flow: password -> DSC+ challenge -> response -> session -> logout.

By default it starts its own ``sls serve`` (embedded Redis in a temp folder) and drives it over real HTTP
from client threads; ``--url`` points it at a server you run yourself (then give ``--admin-token``, and run
it with ``SLS_CHALLENGE_ISSUE_LIMIT`` at least flows/users: each user logs in that often within seconds).
Responses are computed client-side from the enrolled card's key, as an integration would, so the numbers
are the server's.

    python bench/login_flow.py --flows 400 --concurrency 8 --workers 2 --hash-profile standard
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from devices.dscplus import expected_response
from sls_server.store.embedded import free_port

STEPS = ("login", "verify", "session", "logout")


def start_server(workers: int, hash_profile: str, token: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "SLS_DATA_DIR": tempfile.mkdtemp(prefix="sls-bench-"),
        "SLS_ADMIN_TOKEN": token,
        "SLS_HASH_PROFILE": hash_profile,
        # each user logs in flows/users times within seconds: far above a person's challenge issuance limit
        "SLS_CHALLENGE_ISSUE_LIMIT": "1000",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sls_server.cli.main",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not come up")


def enrol(url: str, token: str, count: int) -> list[tuple[str, str, bytes]]:
    headers = {"Authorization": f"Bearer {token}"}
    users = []
    for i in range(count):
        name, password = f"bench{i:03d}", f"Bench-Passphrase-{i:03d}-x"
        requests.post(
            f"{url}/admin/v1/users",
            json={"username": name, "password": password},
            headers=headers,
            timeout=30,
        ).raise_for_status()
        card = requests.post(
            f"{url}/admin/v1/users/{name}/devices",
            json={"type": "dscplus", "pin": "1234"},
            headers=headers,
            timeout=30,
        )
        card.raise_for_status()
        users.append((name, password, bytes.fromhex(card.json()["secret_hex"])))
    return users


def one_flow(
    url: str, user: tuple[str, str, bytes], timings: dict[str, list[float]], lock: threading.Lock
) -> None:
    name, password, key = user
    http = requests.Session()
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    started = http.post(f"{url}/api/v1/auth/login", json={"username": name, "password": password}, timeout=30)
    started.raise_for_status()
    marks["login"] = time.perf_counter() - t0
    body = started.json()
    response = expected_response(key, hashlib.sha1(b"1234").digest(), body["factor"]["challenge"])
    t0 = time.perf_counter()
    http.post(
        f"{url}/api/v1/auth/login/{body['txn_id']}/verify", json={"response": response}, timeout=30
    ).raise_for_status()
    marks["verify"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    http.get(f"{url}/api/v1/session", timeout=30).raise_for_status()
    marks["session"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    http.post(f"{url}/api/v1/auth/logout", timeout=30).raise_for_status()
    marks["logout"] = time.perf_counter() - t0
    marks["flow"] = sum(marks.values())
    with lock:
        for step, seconds in marks.items():
            timings[step].append(seconds)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--admin-token", default="bench-admin-token-0123456789")
    parser.add_argument("--flows", type=int, default=400, help="full login flows to run")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--users", type=int, default=16, help="distinct users (each with a DSC+ card)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of the started server")
    parser.add_argument("--hash-profile", default="standard", choices=["strong", "standard", "test"])
    args = parser.parse_args()

    process = None
    url = args.url
    if url is None:
        process, url = start_server(args.workers, args.hash_profile, args.admin_token)
    try:
        users = enrol(url, args.admin_token, args.users)
        timings: dict[str, list[float]] = {step: [] for step in (*STEPS, "flow")}
        lock = threading.Lock()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            for future in [
                pool.submit(one_flow, url, users[i % len(users)], timings, lock) for i in range(args.flows)
            ]:
                future.result()
        elapsed = time.perf_counter() - t0
    finally:
        if process:
            process.terminate()
            process.wait(timeout=15)

    print(f"sls-emulator login-flow benchmark ({Path(sys.argv[0]).name})")
    print(
        f"server: {'started, ' + str(args.workers) + ' workers' if args.url is None else args.url}, "
        f"hash profile {args.hash_profile}; {args.concurrency} client threads; {os.cpu_count()} CPUs"
    )
    print(
        f"{args.flows} full flows in {elapsed:.2f} s -> {args.flows / elapsed:.1f} flows/s "
        f"({4 * args.flows / elapsed:.0f} requests/s)"
    )
    print(f"{'step':<8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for step, values in timings.items():
        print(
            f"{step:<8} {percentile(values, 50) * 1000:>8.1f} {percentile(values, 95) * 1000:>8.1f} "
            f"{percentile(values, 99) * 1000:>8.1f} {statistics.fmean(values) * 1000:>8.1f}"
        )


if __name__ == "__main__":
    main()

"""Where a login's time goes, in one process: the DSC+ flow through the Flask test client under cProfile.

No network and no second process, so the numbers repeat on a busy machine better than ``sls bench``'s: wall
milliseconds per flow, Redis round trips per step (counted on redis-py's connections: one per command sent
alone or per pipeline) and the functions that took the most time. The CPU this process spent per flow
(``time.process_time``: the app and the client, not Redis) is the steadiest of these numbers on a shared
machine; ``--top 0`` measures it without cProfile's own cost. This is the profile the hot path was cut
by (README, Performance).

python bench/profile_flow.py --flows 300 --top 15
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis.connection

from devices.dscplus import expected_response
from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

PASSWORD = "Correct-Horse-9-Battery"
ADMIN = {"Authorization": "Bearer " + "p" * 24}
SETTINGS = {  # one user logs in hundreds of times a second here: no issuance or address limit in the way
    "HASH_PROFILE": "test",
    "ADMIN_TOKEN": "p" * 24,
    "CHALLENGE_ISSUE_LIMIT": 1000,
    "CHALLENGE_ISSUE_WINDOW": 1,
    "IP_THROTTLE_LIMIT": 1_000_000,
}


class RoundTrips:
    """Counts what redis-py sends: one packed send per command alone or per pipeline."""

    def __init__(self) -> None:
        self.count = 0
        self._send: Callable[..., None] = redis.connection.AbstractConnection.send_packed_command

    def __enter__(self) -> RoundTrips:
        send = self._send

        def counting(connection: Any, command: Any, check_health: bool = True) -> None:
            self.count += 1
            send(connection, command, check_health)

        redis.connection.AbstractConnection.send_packed_command = counting  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        redis.connection.AbstractConnection.send_packed_command = self._send  # type: ignore[method-assign]


def flow_steps(client: Any, key: bytes) -> list[tuple[str, Callable[[], Any]]]:
    """The flow as named steps; each step's callable returns what the next needs."""
    state: dict[str, Any] = {}
    pin = hashlib.sha1(b"1234").digest()

    def login() -> None:
        body = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}).get_json()
        state["started"] = body
        state["response"] = expected_response(key, pin, body["factor"]["challenge"])

    def verify() -> None:
        started = state["started"]
        done = client.post(
            f"/api/v1/auth/login/{started['txn_id']}/verify",
            json={"response": state["response"]},
            headers={"X-Login-Token": started["login_token"]},
        )
        assert done.status_code == 200, done.get_json()
        state["bearer"] = {"Authorization": "Bearer " + done.get_json()["session"]["token"]}

    return [
        ("login", login),
        ("verify", verify),
        ("session", lambda: client.get("/api/v1/session", headers=state["bearer"])),
        ("tickle", lambda: client.post("/api/v1/session/tickle", headers=state["bearer"])),
        ("logout", lambda: client.post("/api/v1/auth/logout", headers=state["bearer"])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flows", type=int, default=300, help="flows profiled (after 20 to warm up)")
    parser.add_argument(
        "--top", type=int, default=15, help="functions shown, by their own time; 0 runs without cProfile"
    )
    options = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as data,
        EmbeddedRedis(Path(tempfile.mkdtemp()), appendonly=False) as server,
    ):
        app = create_app({**SETTINGS, "REDIS_URL": server.url, "DATA_DIR": data})
        client = app.test_client()
        client.post("/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=ADMIN)
        card = client.post(
            "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN
        ).get_json()
        steps = flow_steps(client, bytes.fromhex(card["secret_hex"]))
        for _ in range(20):
            for _, step in steps:
                step()
        per_step: Counter[str] = Counter()
        with RoundTrips() as trips:
            for name, step in steps:
                before = trips.count
                step()
                per_step[name] = trips.count - before
        profile = cProfile.Profile() if options.top else None
        started, cpu_started = time.perf_counter(), time.process_time()
        if profile:
            profile.enable()
        for _ in range(options.flows):
            for _, step in steps:
                step()
        if profile:
            profile.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    per_flow_ms, cpu_ms = elapsed / options.flows * 1000, cpu / options.flows * 1000
    print(
        f"{options.flows} flows in {elapsed:.2f} s: {per_flow_ms:.2f} ms per flow (one thread), "
        f"{cpu_ms:.2f} ms of this process's CPU per flow{' (under cProfile)' if profile else ''}"
    )
    steps_shown = ", ".join(f"{name} {n}" for name, n in per_step.items())
    print(f"round trips: {steps_shown} = {sum(per_step.values())}")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(options.top)


if __name__ == "__main__":
    main()

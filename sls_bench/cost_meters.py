"""The meters ``step_cost`` reads besides each step's CPU time: timers on named parts of the work
(:class:`Budget`, :func:`time_parts`), a count of Redis round trips (:class:`RoundTrips`), and a cProfile run
summed per flow (:func:`profile_rows`).

Apart from ``step_cost`` because each patches or wraps code it does not own (redis-py's connection, the
server's hooks) and must put it back; the measurement itself only starts and reads them.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path
from typing import Any

import redis.connection


class Budget:
    """CPU seconds inside named functions, per app (``scope``), outermost calls only (a part that calls
    itself counts once)."""

    def __init__(self) -> None:
        self.scope = ""
        self.seconds: dict[tuple[str, str], float] = {}
        self._originals: list[tuple[Any, str, Any]] = []

    def time(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        self._originals.append((owner, name, original))
        depth = [0]

        def timed(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                return original(*args, **kwargs)
            depth[0] += 1
            started = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1
                key = (self.scope, label)
                self.seconds[key] = self.seconds.get(key, 0.0) + time.process_time() - started

        setattr(owner, name, timed)

    def restore(self) -> None:
        """The timed functions as they were (the app keeps the hooks it registered timed)."""
        for owner, name, original in reversed(self._originals):
            setattr(owner, name, original)
        self._originals.clear()


def time_parts(budget: Budget) -> None:
    """The parts worth naming; patched before the app is built, so its hooks are the timed ones."""
    import redis.retry

    from sls_server import events
    from sls_server.accounts import passwords
    from sls_server.http import crosssite, observe, security, validation
    from sls_server.store import pool, writebehind

    budget.time(redis.retry.Retry, "call_with_retry", "redis-py: commands sent, answers read")
    budget.time(pool.LeanPool, "get_connection", "redis-py: a pooled connection handed out")
    budget.time(writebehind.Carrier, "execute", "pipelines carrying queued writes")
    budget.time(passwords.PasswordHasher, "verify", "Argon2id verify")
    budget.time(events.EventLog, "record", "audit events (build, queue or send, log, count)")
    budget.time(validation, "body", "request bodies validated")
    budget.time(observe, "start", "hook: request id, start time")
    budget.time(observe, "finish", "hook: metrics, X-Request-Id")
    budget.time(security, "secured", "security headers")
    budget.time(crosssite, "refuse_cross_site", "hook: cross-site check")


class RoundTrips:
    """Counts what redis-py sends, as a clock for ``one_flow``: one per command sent alone or per pipeline."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> float:
        return float(self.count)

    def __enter__(self) -> RoundTrips:
        send = self._send = redis.connection.AbstractConnection.send_packed_command

        def counting(connection: Any, command: Any, check_health: bool = True) -> None:
            self.count += 1
            send(connection, command, check_health)  # type: ignore[no-untyped-call]  # redis-py: unannotated

        redis.connection.AbstractConnection.send_packed_command = counting  # type: ignore[method-assign]  # counting, then back
        return self

    def __exit__(self, *exc: object) -> None:
        redis.connection.AbstractConnection.send_packed_command = self._send  # type: ignore[method-assign]  # put back


def profile_rows(profile: cProfile.Profile, flows: int, top: int) -> list[dict[str, Any]]:
    """The ``top`` functions by time of their own, per flow (cProfile's own cost included)."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]  # typeshed leaves the table out
    rows = sorted(stats.items(), key=lambda item: -item[1][2])[:top]
    return [
        {
            "function": f"{Path(filename).name}:{line}({name})" if line else name,
            "calls": round(calls / flows, 1),
            "own_us": round(own / flows * 1e6, 1),
            "total_us": round(total / flows * 1e6, 1),
        }
        for (filename, line, name), (_, calls, own, total, _) in rows
    ]

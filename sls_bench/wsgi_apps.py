"""Both apps of the login flow in this process, called as WSGI apps: no HTTP, no gunicorn, Redis in its own
process. What ``step_cost.py`` (CPU time) and ``step_instructions.py`` (instructions) measure alike, kept in
one place so their numbers are of the same calls, users and flows."""

from __future__ import annotations

import io
import json
import os
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from sls_bench.seed import Seeded, Seeder
from sls_server.store.embedded import EmbeddedRedis

SETTINGS = {"HASH_PROFILE": "test", "ADMIN_TOKEN": "p" * 24, "CHALLENGE_ISSUE_LIMIT": 1000}
USERS = 100  # flows rotate over them, as the benchmark's clients do
WARM_FLOWS = 30  # per app before anything is measured: the app's hints, both apps' connections


class Wsgi:
    """``sls_bench.flow``'s caller, straight into a WSGI app: the environ gunicorn would build, no socket.

    Built by hand, not with werkzeug's ``EnvironBuilder``: that costs about 100 µs a request, which would
    land on both apps alike and flatten the ratio this measures."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else b""
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8080",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/json",
            "HTTP_HOST": "127.0.0.1:8080",
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status: list[str] = []

        def start_response(
            line: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], object]:
            status.append(line)
            return lambda _data: None  # the legacy write(): Flask never calls it

        raw = b"".join(self._app(environ, start_response))
        return int(status[0].split()[0]), json.loads(raw) if raw else None


@dataclass(frozen=True)
class Apps:
    callers: dict[str, Wsgi]
    """``app`` (``sls_server``) and ``baseline``, in that order."""
    users: list[Seeded]
    redis_url: str


@contextmanager
def both_apps() -> Iterator[Apps]:
    """A fresh embedded Redis with ``USERS`` seeded users, and both apps on it, for as long as the block
    lasts."""
    from sls_bench.baseline import create_app as baseline_app
    from sls_server import create_app

    secret_key = secrets.token_bytes(32)
    with (
        tempfile.TemporaryDirectory() as data,
        EmbeddedRedis(Path(data) / "redis", appendonly=False) as server,
    ):
        users, _ = Seeder(server.url, secret_key, "test").seed("cost", USERS)
        config = {"REDIS_URL": server.url, "DATA_DIR": data, "SECRET_KEY": secret_key.hex()}
        sls = create_app({**SETTINGS, **config})
        os.environ["BENCH_REDIS_URL"] = server.url
        yield Apps({"app": Wsgi(sls), "baseline": Wsgi(baseline_app())}, users, server.url)

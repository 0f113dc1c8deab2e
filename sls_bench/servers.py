"""Start the two targets as real processes, on free ports, and wait until they answer ``/readyz``.

``sls serve`` and the baseline get the same gunicorn settings: W workers x T threads (gthread), keep-alive
5 s, an access line per request to stdout (sent to a log file here), no preload. The start-up measure is
wall time from ``Popen`` to the first ``200`` from ``/readyz``: process start, imports, the embedded Redis,
the fork, a worker's app, one Redis write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gunicorn import version_info as gunicorn_version

from sls_server.cli import demofile
from sls_server.cli.gunicorn_logs import ACCESS_LOG_FORMAT
from sls_server.config_values import parse_key_text
from sls_server.runtime import read_or_create
from sls_server.stopping import end_child
from sls_server.store.embedded import free_port

from .against import OtherCode

#: Where the bench keeps its key for a Redis it is given (``--redis-url``), in the data folder.
BENCH_KEY_FILE = "bench.key"


def bench_key(redis_url: str | None) -> bytes:
    """The secret key the bench's servers and its seeding share. A Redis of the run's own (embedded) gets a
    fresh one; a Redis it is given, the same one every run, kept in the data folder (``bench.key``, 0600): a
    Redis keeps the check of the key its secrets are sealed under, and a server with another one refuses to
    start on it (``runtime.claim_secret_key``), so a second run with a fresh key would be refused."""
    if redis_url is None:
        return secrets.token_bytes(32)
    kept = read_or_create(demofile.data_dir_from_env() / BENCH_KEY_FILE, secrets.token_bytes(32).hex())
    return parse_key_text(kept)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def stop(self) -> None:
        end_child(self.process, 20)


def wait_ready(server: Server, timeout_s: float = 60.0) -> float:
    """Seconds until ``/readyz`` answers 200 (polling a starting process, not waiting on the clock)."""
    started = time.perf_counter()
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.url} exited at start-up:\n{server.log_path.read_text()[-2000:]}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(f"{server.url}/readyz", timeout=1) as answer,
        ):
            if answer.status == 200:
                return time.perf_counter() - started
        time.sleep(0.01)
    server.stop()
    raise RuntimeError(
        f"{server.url} was not ready within {timeout_s} s:\n{server.log_path.read_text()[-2000:]}"
    )


def _spawn(
    command: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)


def start_sls(
    workdir: Path,
    *,
    workers: int,
    threads: int,
    redis_url: str | None,
    settings: dict[str, str],
    name: str = "sls",
    code: OtherCode | None = None,
) -> tuple[Server, float]:
    """``sls serve`` with ``settings`` (SLS_* variables); without ``redis_url``, its own embedded Redis; with
    ``code``, that checkout's (``--against``). Returns the server and its start-to-ready seconds."""
    port = free_port()
    env = {**os.environ, "SLS_DATA_DIR": str(workdir / f"{name}-data"), **settings}
    if code is not None:
        env = code.environ(env)
    # -P: the working folder does not go first on sys.path, so a devices.py there cannot shadow the package
    command = [sys.executable, "-P", "-m", "sls_server.cli.main", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    if redis_url:
        command += ["--redis-url", redis_url]
    started = time.perf_counter()
    server = Server(
        _spawn(command, env, workdir / f"{name}.log"), f"http://127.0.0.1:{port}", workdir / f"{name}.log"
    )
    wait_ready(server)
    return server, time.perf_counter() - started


def start_baseline(workdir: Path, *, workers: int, threads: int, redis_url: str) -> Server:
    """The bare Flask app of :mod:`sls_bench.baseline` under gunicorn, as ``sls serve`` runs its workers."""
    port = free_port()
    env = {**os.environ, "BENCH_REDIS_URL": redis_url}
    # Run in workdir, with -P: the caller's working folder must not reach sys.path, where a package of the
    # caller's own named like this one would shadow it (`sls bench` there found no baseline module).
    # python -m puts the working folder first, and so does gunicorn (its chdir, before it reads --chdir).
    command = [
        sys.executable, "-P", "-m", "gunicorn",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "gthread" if threads > 1 else "sync",
        "--timeout", "30",
        "--graceful-timeout", "10",
        "--keep-alive", "5",
        "--access-logfile", "-",
        "--access-logformat", ACCESS_LOG_FORMAT,
        "--error-logfile", "-",
        "sls_bench.baseline:create_app()",
    ]  # fmt: skip
    # as `sls serve`: no shared ~/.gunicorn/gunicorn.ctl (gunicorn 25 added it, and the flag)
    if gunicorn_version >= (25,):
        command.insert(-1, "--no-control-socket")
    server = Server(
        _spawn(command, env, workdir / "baseline.log", cwd=workdir),
        f"http://127.0.0.1:{port}",
        workdir / "baseline.log",
    )
    wait_ready(server)
    return server

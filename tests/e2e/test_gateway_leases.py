"""Several ``sls gateway`` processes on one ``SLS_GATEWAY_INSTANCE`` behave as one gateway: each one's master
holds a lease in Redis, and a start ends the session only when no other live process holds one. A rolling
restart of a two-process gateway keeps the user logged in (before, each start logged the user out unless it
was given ``--keep-session``); once every process is gone (stopped, or killed and its lease run out), a start
asks for a login again, as the real gateway's restart does. Started while Redis does not answer, a process
ends the session once Redis does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN, wait_until
from gateway_process import GatewayProcess, sls_gateway  # noqa: F401 - the fixture
from test_gateway_restart import log_in_through_the_gateway

from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.embedded import EmbeddedRedis

pytestmark = pytest.mark.e2e
#: Every process of one gateway runs with the same secret key (each data folder would make its own).
SHARED = {"SLS_SECRET_KEY": bytes(range(32)).hex()}


def authenticated(server: GatewayProcess) -> Any:
    return requests.post(f"{server.url}/v1/api/tickle", timeout=10)


def port(server: GatewayProcess) -> str:
    return server.url.rpartition(":")[2]


def stop(server: GatewayProcess) -> None:
    """SIGTERM, as IBeam's kill: gunicorn's graceful stop, and the master drops its lease."""
    server.process.terminate()
    assert server.process.wait(timeout=20) == 0, server.log()


def restart(sls_gateway: Any, server: GatewayProcess, **env: str) -> GatewayProcess:  # noqa: F811
    stop(server)
    return sls_gateway(**SHARED, SLS_PORT=port(server), **env)  # type: ignore[no-any-return]


def test_a_rolling_restart_of_a_two_process_gateway_keeps_the_user_logged_in(
    sls_gateway: Any,  # noqa: F811
) -> None:
    first = sls_gateway(**SHARED)
    second = sls_gateway(**SHARED)
    log_in_through_the_gateway(first.url, "iris")
    first = restart(sls_gateway, first)  # the second serves on
    assert authenticated(second).status_code == 200
    assert authenticated(first).status_code == 200, authenticated(first).text
    assert "kept the gateway session" in first.log()
    second = restart(sls_gateway, second)  # the restarted first serves on
    tickle = authenticated(second)
    assert tickle.status_code == 200, tickle.text
    assert tickle.json()["iserver"]["authStatus"]["authenticated"] is True

    status = first.sls("gateway-state", "status")  # both named, by port and master
    assert f":{port(first)} (pid {first.process.pid}," in status.stdout, status.stdout
    assert f":{port(second)} (pid {second.process.pid}," in status.stdout, status.stdout
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    state = requests.get(f"{second.url}/admin/v1/gateway", headers=headers, timeout=10).json()
    assert {each["pid"] for each in state["processes"]} == {first.process.pid, second.process.pid}


def test_once_every_process_stopped_a_start_asks_for_a_login(sls_gateway: Any) -> None:  # noqa: F811
    first = sls_gateway(**SHARED)
    second = sls_gateway(**SHARED)
    log_in_through_the_gateway(first.url, "iris")
    stop(second)
    again = restart(sls_gateway, first)
    tickle = authenticated(again)
    assert tickle.status_code == 401, tickle.text
    assert tickle.json()["reason"] == "gateway_restarted"


def test_a_killed_process_counts_until_its_lease_runs_out(sls_gateway: Any, redis_url: str) -> None:  # noqa: F811
    """Killed without its stop (SIGKILL: its workers follow), a process cannot drop its lease: it runs out
    (a start in the same pid namespace drops it sooner: the test below). Here its TTL is cut to a
    millisecond (PEXPIRE) rather than waited for."""
    first = sls_gateway(**SHARED)
    second = sls_gateway(**SHARED)
    log_in_through_the_gateway(first.url, "iris")
    stop(second)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=20)
    raw = connect(redis_url)
    instance = "default"
    tokens = raw.smembers(keys.gateway_processes(instance))
    assert len(tokens) == 1  # the killed one's lease is still there
    [lease] = [keys.gateway_process(instance, token) for token in tokens]
    assert json.loads(raw.get(lease))["pid"] == first.process.pid
    raw.pexpire(lease, 1)
    wait_until(lambda: not raw.exists(lease), what="the lease ran out")
    again = sls_gateway(**SHARED)  # on another port: the killed master's workers may still hold its own
    tickle = authenticated(again)
    assert tickle.status_code == 401, tickle.text
    assert tickle.json()["reason"] == "gateway_restarted"


def test_a_start_on_the_same_host_does_not_wait_for_a_killed_process_s_lease(
    sls_gateway: Any,  # noqa: F811
) -> None:
    """Its lease names its master's pid and pid namespace: a start in the same namespace that finds no such
    process drops the lease at once. Before, a start within the 10 s kept the session, as if the dead process
    still served it."""
    first = sls_gateway(**SHARED)
    second = sls_gateway(**SHARED)
    log_in_through_the_gateway(first.url, "iris")
    stop(second)
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=20)  # reaped: its pid is no process's
    again = sls_gateway(**SHARED)  # on another port: the killed master's workers may still hold its own
    tickle = authenticated(again)
    assert tickle.status_code == 401, tickle.text
    assert tickle.json()["reason"] == "gateway_restarted"
    assert f"(pid {first.process.pid}) is gone" in again.log(), again.log()
    status = again.sls("gateway-state", "status")
    assert f"(pid {first.process.pid}," not in status.stdout, status.stdout


def test_started_while_redis_is_down_it_ends_the_session_once_redis_answers(
    sls_gateway: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Before, the start warned that the session was left, and it stayed live for good. Until the step ran,
    the gateway answers 503 (``starting``): not the old session, in the second after Redis answers."""
    own = EmbeddedRedis(tmp_path / "own-redis").start()
    try:
        fast = {**SHARED, "SLS_REDIS_TIMEOUT": "0.5"}
        server = sls_gateway("--redis-url", own.url, **fast)
        log_in_through_the_gateway(server.url, "iris")
        stop(server)
        own.stop()
        again = sls_gateway("--redis-url", own.url, **fast, SLS_PORT=port(server))
        assert "is not ended yet: Redis did not answer" in again.log(), again.log()
        own.start()  # back, from its AOF, with the session
        seen: list[int] = []

        def retried() -> bool:
            seen.append(authenticated(again).status_code)  # never the old session, before the step either
            return "Redis answers: ended the gateway session" in again.log()

        wait_until(retried, 60, what=again.log())
        assert 200 not in seen, seen
        tickle = authenticated(again)
        assert tickle.status_code == 401, tickle.text
        assert tickle.json()["reason"] == "gateway_restarted"
        stop(again)
    finally:
        own.stop()


def test_a_sls_serve_in_gateway_mode_holds_a_lease_too(
    sls_gateway: Any,  # noqa: F811
    sls_serve: Any,
) -> None:
    """Before, only ``sls gateway`` held one: a ``sls gateway`` started beside a ``sls serve`` in gateway mode
    (``SLS_GATEWAY=True``) on the same Redis and instance found no live process and ended the session that
    server was serving, and ``sls gateway-state status`` named only itself."""
    serving = sls_serve(workers=1, SLS_GATEWAY="True", **SHARED)
    log_in_through_the_gateway(serving.url, "iris")
    beside = sls_gateway(**SHARED)
    assert "kept the gateway session" in beside.log(), beside.log()
    tickle = authenticated(beside)
    assert tickle.status_code == 200, tickle.text
    assert authenticated(serving).status_code == 200

    status = beside.sls("gateway-state", "status")  # both named, by port and master
    assert f":{port(beside)} (pid {beside.process.pid}," in status.stdout, status.stdout
    assert f":{port(serving)} (pid {serving.process.pid}," in status.stdout, status.stdout
    leases = json.loads(beside.sls("gateway-state", "status", "--json").stdout)["processes"]
    assert all(0 < each["lease_left_ms"] <= 10_000 for each in leases) and len(leases) == 2, leases

    serving.process.terminate()  # its stop drops its lease: the gateway alone is named
    assert serving.process.wait(timeout=20) == 0, serving.log()
    status = beside.sls("gateway-state", "status")
    assert f"(pid {serving.process.pid}," not in status.stdout, status.stdout
    assert f"(pid {beside.process.pid}," in status.stdout, status.stdout


def failed_start(redis_url: str, data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A ``sls`` server command that fails to start after its lease is taken: run to its exit."""
    environment = {**os.environ, "SLS_ADMIN_TOKEN": ADMIN_TOKEN, "SLS_HASH_PROFILE": "test", **SHARED, **env}
    command = [sys.executable, "-m", "sls_server.cli.main", *args, "--host", "127.0.0.1", "--port", "0"]
    command += ["--workers", "1", "--redis-url", redis_url, "--data-dir", str(data_dir)]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60, check=False)


def listed_pids(server: GatewayProcess) -> set[int]:
    leases = json.loads(server.sls("gateway-state", "status", "--json").stdout)["processes"]
    return {each["pid"] for each in leases}


def test_a_start_that_fails_leaves_no_lease(
    sls_gateway: Any,  # noqa: F811
    redis_url: str,
    tmp_path: Path,
) -> None:
    """Before, nothing dropped it: the process that had exited was listed as live (``sls gateway-state
    status``) until its lease ran out, 10 s later, and a start meanwhile kept the session for it. (The
    certificate is now made before the lease is taken; a bad ``FORWARDED_ALLOW_IPS``, the other way a
    start failed after it, no longer stops one: ``gunicorn_base``.)"""
    beside = sls_gateway(**SHARED)
    data_dir = tmp_path / "failing"
    (data_dir / "gateway-tls" / "key.pem").mkdir(parents=True)  # the key's path is a folder
    failed = failed_start(redis_url, data_dir, "gateway", "--tls")
    assert failed.returncode == 2 and failed.stderr.startswith("error: --tls: "), (
        failed.stdout + failed.stderr
    )
    assert listed_pids(beside) == {beside.process.pid}

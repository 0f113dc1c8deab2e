"""Two ``sls serve`` on one data folder share its embedded Redis; when the one that started it is gone, the
other takes it over (the owner lock free) and the world lives on; while the owner lives, only it starts its
Redis again. Real processes and a real redis-server; every wait polls a condition with a deadline."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from conftest import ADMIN_TOKEN, wait_until
from over_http_kit import card_user_over_http
from own_server_kit import own_server, wait_until_the_aof_is_written
from serve_processes import ServerProcess, wait_until_serving
from test_cli_demo import demo, redis_processes_in  # noqa: F401
from test_cli_e2e import clean_env

from sls_server.stopping import end_child
from sls_server.store.embedded import free_port
from sls_server.store.owner_lock import still_running

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-Battery-9"


def redis_pid(tmp_path: Path, data: str = "data") -> int:
    client = redis.Redis(unix_socket_path=str(tmp_path / data / "redis" / "redis.sock"))
    try:
        return int(client.info("server")["process_id"])
    finally:
        client.close()


def runs_it(tmp_path: Path, server: ServerProcess, data: str = "data") -> bool:
    """Does ``server`` run the Redis that answers on the folder's socket now?"""
    try:
        return parent_of(redis_pid(tmp_path, data)) == server.process.pid
    except (redis.RedisError, OSError):
        return False


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def ready(server: ServerProcess) -> bool:
    try:
        return requests.get(f"{server.url}/readyz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def said_it_took_over(server: ServerProcess) -> bool:
    """Whether ``server`` logged its takeover: the line comes after the new redis-server answers (it is
    written once ``take_over`` returned), so a loaded machine can show the Redis and /readyz first."""
    return "took it over" in server.log()


def logs_in(server: ServerProcess) -> None:
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=30
    )
    assert login.status_code == 200 and login.json()["state"] == "second_factor", login.text


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["killed", "stopped"])
def test_the_sharer_takes_the_redis_over_when_its_owner_is_gone(tmp_path: Path, how: signal.Signals) -> None:
    """``sls gateway`` beside ``sls demo``, or two ``sls serve``: the first stopped (or killed), the second
    answered 503 until restarted. Now it starts the Redis again from its AOF and owns it: the user made before
    logs in, its log says what happened, and its stop stops that Redis, leaving nothing running."""
    owner = own_server(tmp_path, SLS_HASH_PROFILE="test")
    sharer = own_server(tmp_path, SLS_HASH_PROFILE="test")
    try:
        card_user_over_http(owner.url, "alice", PASSWORD)
        first = redis_pid(tmp_path)
        assert parent_of(first) == owner.process.pid
        client = redis.Redis(unix_socket_path=str(tmp_path / "data" / "redis" / "redis.sock"))
        wait_until_the_aof_is_written(client)
        client.close()
        owner.process.send_signal(how)
        owner.process.wait(timeout=60)
        # the killed owner's redis-server may still answer for a moment (it is told to stop with its parent)
        wait_until(
            lambda: runs_it(tmp_path, sharer) and ready(sharer) and said_it_took_over(sharer),
            timeout_s=30,
            what="a takeover",
        )
        logs_in(sharer)
        taken = redis_pid(tmp_path)
        assert taken != first and parent_of(taken) == sharer.process.pid
        said = sharer.log()
        assert said.count("took it over") == 1 and "restart this server" not in said, said
    finally:
        end_child(owner.process, 15)  # only reaped, unless the test failed before it was stopped
        end_child(sharer.process, 60)
    assert sharer.process.returncode == 0, sharer.log()
    wait_until(lambda: not still_running(taken), what="the taken-over redis-server stopping with its server")
    assert not (tmp_path / "data" / "redis" / "redis.sock").exists()


def test_a_living_owner_starts_its_redis_again_and_the_sharer_does_not(tmp_path: Path) -> None:
    """The owner's redis-server killed while the owner lives: the owner holds the lock across its restart, so
    the sharer waits (a second redis-server would race it for the socket and the AOF)."""
    owner = own_server(tmp_path, SLS_HASH_PROFILE="test")
    sharer = own_server(tmp_path, SLS_HASH_PROFILE="test")
    try:
        card_user_over_http(sharer.url, "alice", PASSWORD)
        first = redis_pid(tmp_path)
        client = redis.Redis(unix_socket_path=str(tmp_path / "data" / "redis" / "redis.sock"))
        wait_until_the_aof_is_written(client)
        client.close()
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: runs_it(tmp_path, owner) and ready(sharer), timeout_s=30, what="a restart")
        assert redis_pid(tmp_path) != first
        logs_in(sharer)
        assert "embedded redis-server exited" in owner.log()
        assert "took it over" not in sharer.log()
    finally:
        end_child(sharer.process, 60)
        end_child(owner.process, 60)


def test_a_gateway_beside_a_killed_demo_takes_its_redis_over(demo: Any, tmp_path: Path) -> None:  # noqa: F811
    """``sls demo``'s redis-server is its supervising parent's, and its server a forked child that must hold
    no copy of the owner lock: the parent killed, the gateway beside it takes the Redis over."""
    env = clean_env(demo.data_dir, SLS_ADMIN_TOKEN=ADMIN_TOKEN)
    first = demo(SLS_ADMIN_TOKEN=ADMIN_TOKEN)
    port = free_port()
    log_path = tmp_path / "gateway.log"
    command = [sys.executable, "-m", "sls_server.cli.main", "gateway", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    gateway = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    data = demo.data_dir.name
    try:
        wait_until_serving(gateway)
        assert "shared with the sls server already running" in gateway.log()
        card_user_over_http(first.url, "carol", PASSWORD)
        client = redis.Redis(unix_socket_path=str(demo.data_dir / "redis" / "redis.sock"))
        wait_until_the_aof_is_written(client)
        client.close()
        first.process.kill()
        first.process.wait(timeout=30)
        wait_until(
            lambda: runs_it(tmp_path, gateway, data) and ready(gateway) and said_it_took_over(gateway),
            timeout_s=30,
            what="a takeover",
        )
        login = requests.post(
            f"{gateway.url}/api/v1/auth/login", json={"username": "carol", "password": PASSWORD}, timeout=30
        )
        assert login.status_code == 200 and login.json()["state"] == "second_factor", login.text
        assert gateway.log().count("took it over") == 1, gateway.log()
        gateway.process.terminate()
        assert gateway.process.wait(timeout=60) == 0, gateway.log()
        wait_until(lambda: not redis_processes_in(demo.data_dir), what="no redis-server left")
    finally:
        end_child(gateway.process, 15)


def test_two_servers_on_a_long_data_folder_share_its_redis_and_take_it_over(tmp_path: Path) -> None:
    """A data folder too long for a unix socket path has its socket in a private folder of the owner's
    making; a second server used to make its own there and share a socket nothing listened on (503 until the
    owner went). The owner says where its socket is, the second server shares it, and takes it over."""
    long = "d" * 110
    owner = own_server(tmp_path, data=long, SLS_HASH_PROFILE="test")
    sharer = own_server(tmp_path, data=long, SLS_HASH_PROFILE="test")
    try:
        card_user_over_http(owner.url, "alice", PASSWORD)
        assert ready(sharer)
        logs_in(sharer)  # the user made through the owner is seen by the sharer
        owner.process.send_signal(signal.SIGTERM)
        assert owner.process.wait(timeout=60) == 0, owner.log()
        wait_until(lambda: ready(sharer) and said_it_took_over(sharer), timeout_s=30, what="a takeover")
        logs_in(sharer)
        assert sharer.log().count("took it over") == 1, sharer.log()
    finally:
        end_child(owner.process, 15)
        end_child(sharer.process, 60)
    assert sharer.process.returncode == 0, sharer.log()

"""Scenarios on a server that already has a world: ``sls demo``'s, seeded by its own code on a real ``sls
serve`` with its roomier limits. The scenarios run as they do anywhere (each on a wiped world), and the demo
world comes back afterwards: its users, passwords, devices and keys, so the class carries on."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from cli_world import Demo, seeded
from conftest import ADMIN_TOKEN, DEMO_ENV
from over_http_kit import network_address
from serve_processes import ServerProcess, wait_until_serving
from test_cli_demo import wait_for_world
from test_cli_e2e import clean_env

from sls_scenarios.targets import RemoteTarget, TargetError
from sls_server.cli.demo_world import WORLD
from sls_server.stopping import end_child
from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e
NAMES = sorted(user.username for user in WORLD)
KEPT = ("users", "devices", "accounts", "ibkey_apps", "phones")


def scenario(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sls_server.cli.main", "scenario", *args]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False, env=environment)


def world_of(demo: Demo) -> dict[str, Any]:
    """The world as its export shows it; without each record's write counter (``version``), which an import
    starts again."""
    found = demo.admin("GET", "/admin/v1/state/export")
    assert found.status_code == 200, found.text
    document = found.json()
    return {
        kind: [{k: v for k, v in record.items() if k != "version"} for record in document[kind]]
        for kind in KEPT
    }


@pytest.fixture
def demo(shared_serve: Callable[..., ServerProcess], tmp_path: Path) -> Demo:
    server = shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32", **DEMO_ENV)
    return seeded(server, tmp_path / "demo")


def still_logs_in(demo: Demo) -> None:
    """A demo user logs in with demo.json's password and the card it describes: the keys came back too."""
    carl = demo.user("card-carl")
    done = demo.ok("login", "card-carl", "--password", carl["password"], "--auto")
    assert "authenticated" in done.output or "session" in done.output, done.output


def test_a_run_against_a_demo_server_puts_its_world_back(demo: Demo) -> None:
    before = world_of(demo)
    names = ("sim-swap", "phishing-relay", "dscplus-login")
    ran = scenario("run", *names, "--server", demo.server.url, "--admin-token", ADMIN_TOKEN)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert "3 passed" in ran.stdout, ran.stdout[-2000:]
    assert world_of(demo) == before
    assert "alice" not in demo.admin("GET", "/admin/v1/users").json()["users"]
    still_logs_in(demo)


def test_a_trainer_demo_on_the_class_server_puts_its_world_back(demo: Demo) -> None:
    before = world_of(demo)
    # the admin token from demo.json, as a trainer's terminal finds it
    shown = scenario(
        "demo", "stolen-card-without-pin", "--pace", "0", "--server", demo.server.url, env=demo.env
    )
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    assert f"trainer console: {demo.server.url}/trainer" in shown.stdout
    assert "card.pin_locked" in shown.stdout and "every step as expected" in shown.stdout
    assert world_of(demo) == before
    still_logs_in(demo)


@contextlib.contextmanager
def running_demo(tmp_path: Path, **settings: str) -> Iterator[tuple[ServerProcess, dict[str, str]]]:
    """A real ``sls demo`` started with ``settings`` in its environment (stopped by its pid afterwards),
    and the environment that finds it by its demo.json, as a trainer's second terminal does."""
    env = clean_env(tmp_path / "demo-data")
    port = free_port()
    log_path = tmp_path / "demo.log"
    command = [sys.executable, "-m", "sls_server.cli.main", "demo", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, env={**env, **settings}, stdout=log_file, stderr=subprocess.STDOUT
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        wait_until_serving(server)
        wait_for_world(server)
        yield server, env
    finally:
        end_child(process, 20)


@pytest.fixture
def sls_demo(tmp_path: Path) -> Iterator[tuple[ServerProcess, dict[str, str]]]:
    with running_demo(tmp_path) as found:
        yield found


def test_scenarios_with_actors_at_other_addresses_run_on_sls_demo(
    sls_demo: tuple[ServerProcess, dict[str, str]],
) -> None:
    """``sls demo`` believes this machine's X-Forwarded-For: the attacker of a scenario appears at its own
    address on the class's server (it stopped at setup: "should reach the server from 198.51.100.10, but it
    saw 127.0.0.1"), and the demo world is there again afterwards."""
    server, env = sls_demo
    ran = scenario("run", "ip-allowlist", "phishing-relay", "--server", server.url, "--json", env=env)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    statuses = {s["name"]: s["status"] for s in json.loads(ran.stdout)["scenarios"]}
    assert statuses == {"ip-allowlist": "passed", "phishing-relay": "passed"}
    info = json.loads((Path(env["SLS_DATA_DIR"]) / "demo.json").read_text())
    headers = {"Authorization": f"Bearer {info['admin_token']}"}
    users = requests.get(f"{server.url}/admin/v1/users", headers=headers, timeout=10).json()["users"]
    assert sorted(users) == sorted(info["users"])


def test_a_trainer_demo_plays_on_the_running_sls_demo(sls_demo: tuple[ServerProcess, dict[str, str]]) -> None:
    """Without --server, ``sls scenario demo`` plays on the demo demo.json names, the server the class has
    open (it started a server of its own nobody was looking at), and puts the demo's world back."""
    server, env = sls_demo
    # SLS_PORT is the port of a server of its own, were one needed: it does not take the demo's place
    shown = scenario("demo", "phishing-relay", "--pace", "0", env={**env, "SLS_PORT": str(free_port())})
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    assert f"on the running demo at {server.url} (demo.json)" in shown.stdout
    assert f"trainer console: {server.url}/trainer" in shown.stdout
    assert "every step as expected" in shown.stdout
    info = json.loads((Path(env["SLS_DATA_DIR"]) / "demo.json").read_text())
    headers = {"Authorization": f"Bearer {info['admin_token']}"}
    users = requests.get(f"{server.url}/admin/v1/users", headers=headers, timeout=10).json()["users"]
    assert sorted(users) == sorted(info["users"])
    own = scenario("demo", "stolen-card-without-pin", "--pace", "0", "--own-server", env=env)
    assert own.returncode == 0, own.stdout[-3000:] + own.stderr[-3000:]
    assert "trainer console: http://127.0.0.1:" in own.stdout and server.url not in own.stdout
    port = free_port()  # --port asks for a server of its own at a URL the class was given
    placed = scenario("demo", "stolen-card-without-pin", "--pace", "0", "--port", str(port), env=env)
    assert placed.returncode == 0, placed.stdout[-3000:] + placed.stderr[-3000:]
    assert f"trainer console: http://127.0.0.1:{port}/trainer" in placed.stdout, placed.stdout[:2000]
    # a setting demo.json cannot vouch for (SLS_GATEWAY): a server of its own, and no advice to start a
    # demo with it, which would be taken to lack it all the same
    gateway = scenario("demo", "gateway-controls", "--pace", "0", env=env)
    assert gateway.returncode == 0, gateway.stdout[-3000:] + gateway.stderr[-3000:]
    said = gateway.stdout.splitlines()[0]
    assert said == (
        f"gateway-controls needs SLS_GATEWAY=True, which the running demo at {server.url} lacks: it plays on "
        "a server of its own. To play it on the class's server, start the demo with `SLS_GATEWAY=True sls "
        "demo`."
    ), said


def test_a_trainer_demo_on_a_demo_on_every_interface_gives_the_room_its_network_address(
    tmp_path: Path,
) -> None:
    """``sls demo --host 0.0.0.0`` for a class: ``sls scenario demo`` played on it and told the room to open
    the console at demo.json's ``url``, loopback, which on a trainee's laptop is the laptop. And given the
    address the class was told (``--server http://ADDRESS:PORT``), it did not know that server for the demo's:
    its raised limits unknown, push-bombing ran there and failed; and it reached it from that address, whose
    X-Forwarded-For the demo does not believe, so a scenario's attacker stopped at its setup."""
    address = network_address()
    with running_demo(tmp_path, SLS_HOST="0.0.0.0") as (server, env):
        port = urlsplit(server.url).port
        room = f"http://{address}:{port}"
        shown = scenario("demo", "phishing-relay", "--pace", "0", env=env)
        assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
        assert f"trainer console: {room}/trainer\n" in shown.stdout, shown.stdout[:2000]
        assert f"on this machine also {server.url}/trainer" in shown.stdout
        # the demo's raised SLS_PUSH_LIMIT is known at its network address too: not run there; and an
        # attacker at an address of its own is one there (the runner reaches the demo on loopback, whose
        # X-Forwarded-For the demo believes; from the network address it stopped at its setup)
        given = scenario("run", "push-bombing", "ip-allowlist", "--server", room, "--json", env=env)
        assert given.returncode == 0, given.stdout[-3000:] + given.stderr[-3000:]
        results = {s["name"]: s for s in json.loads(given.stdout)["scenarios"]}
        assert results["push-bombing"]["status"] == "skipped"
        assert "(it runs with SLS_PUSH_LIMIT=20)" in results["push-bombing"]["message"]
        assert results["ip-allowlist"]["status"] == "passed", results["ip-allowlist"]
        played = scenario("demo", "stolen-card-without-pin", "--pace", "0", "--server", room, env=env)
        assert played.returncode == 0, played.stdout[-3000:] + played.stderr[-3000:]
        assert f"trainer console: {room}/trainer\n" in played.stdout, played.stdout[:2000]


def test_a_scenario_counting_on_a_limit_sls_demo_raises_is_not_run_there(
    sls_demo: tuple[ServerProcess, dict[str, str]],
) -> None:
    """push-bombing counts on three pushes (SLS_PUSH_LIMIT=3), which sls demo raises to 20: it failed at its
    second step on the class's server ("push.sent: 5 happened, expected 3"). The demo now plays it on a
    server of its own, saying why, and a run against the demo skips it with the value the demo has."""
    server, env = sls_demo
    # a trainer who exported SLS_PORT to start the demo: the server of its own must not take the demo's port
    demo_port = str(urlsplit(server.url).port)
    shown = scenario("demo", "push-bombing", "--pace", "0", env={**env, "SLS_PORT": demo_port})
    assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
    assert f"SLS_PORT={demo_port} is the running demo's port" in shown.stdout, shown.stdout[:2000]
    assert (
        f"push-bombing needs SLS_PUSH_LIMIT=3, which the running demo at {server.url} lacks (it runs with "
        "SLS_PUSH_LIMIT=20): it plays on a server of its own" in shown.stdout
    ), shown.stdout[:2000]
    assert f"trainer console: {server.url}/trainer" not in shown.stdout
    assert "push.rate_limited" in shown.stdout and "every step as expected" in shown.stdout
    ran = scenario("run", "push-bombing", "sms-send-limit", "--server", server.url, "--json", env=env)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    results = {s["name"]: s for s in json.loads(ran.stdout)["scenarios"]}
    assert {name: s["status"] for name, s in results.items()} == {
        "push-bombing": "skipped",
        "sms-send-limit": "skipped",
    }
    assert "(it runs with SLS_PUSH_LIMIT=20)" in results["push-bombing"]["message"]
    assert "(it runs with SLS_SMS_SEND_LIMIT=20)" in results["sms-send-limit"]["message"]


METRICS_TOKEN = "metrics-token-0123456789abcdef"


def test_a_demo_started_with_other_settings_records_them_and_scenarios_needing_them_play_on_it(
    tmp_path: Path,
) -> None:
    """``SLS_GATEWAY=True sls demo``: demo.json recorded only the limits it raised, so gateway-controls never
    played on it ("needs SLS_GATEWAY=True, which the running demo lacks"), and a limit set in the environment
    (``SLS_PUSH_LIMIT=7``) was taken for the default, so push-bombing ran there and failed. demo.json now
    records every setting that differs from its default, but no secret."""
    started = running_demo(tmp_path, SLS_GATEWAY="True", SLS_PUSH_LIMIT="7", SLS_METRICS_TOKEN=METRICS_TOKEN)
    with started as (server, env):
        info = json.loads((Path(env["SLS_DATA_DIR"]) / "demo.json").read_text())
        recorded = info["settings"]
        assert recorded["SLS_GATEWAY"] == "True" and recorded["SLS_PUSH_LIMIT"] == "7"
        assert recorded["SLS_SMS_SEND_LIMIT"] == "20"  # a limit the demo raised, as "limits" says too
        assert recorded["SLS_TRUSTED_PROXIES"] == "127.0.0.1/32"
        secret = {"SLS_METRICS_TOKEN", "SLS_ADMIN_TOKEN", "SLS_SECRET_KEY", "SLS_SIM_TOKEN", "SLS_REDIS_URL"}
        assert not secret & set(recorded), recorded
        assert METRICS_TOKEN not in json.dumps(recorded) and info["admin_token"] not in json.dumps(recorded)

        shown = scenario("demo", "gateway-controls", "--pace", "0", env=env)
        assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
        assert f"on the running demo at {server.url} (demo.json)" in shown.stdout, shown.stdout[:2000]
        assert "every step as expected" in shown.stdout

        ran = scenario("run", "gateway-controls", "push-bombing", "--server", server.url, "--json", env=env)
        assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
        results = {s["name"]: s for s in json.loads(ran.stdout)["scenarios"]}
        assert {name: s["status"] for name, s in results.items()} == {
            "gateway-controls": "passed",
            "push-bombing": "skipped",
        }
        assert "(it runs with SLS_PUSH_LIMIT=7)" in results["push-bombing"]["message"]


def test_scenarios_on_a_demo_with_a_sim_token_use_the_token_demo_json_keeps(tmp_path: Path) -> None:
    """``SLS_SIM_TOKEN=... sls demo`` (the audience plays the attacker; the trainer keeps the phones): the
    scenario commands found the admin token in demo.json but not the sim token, so every scenario reading a
    phone or keying a card failed on the demo with 401 sim_token_required."""
    with running_demo(tmp_path, SLS_SIM_TOKEN="trainer-sim-token-0123456789") as (server, env):
        shown = scenario("demo", "sim-swap", "--pace", "0", env=env)
        assert shown.returncode == 0, shown.stdout[-3000:] + shown.stderr[-3000:]
        assert f"on the running demo at {server.url} (demo.json)" in shown.stdout
        assert "every step as expected" in shown.stdout
        ran = scenario("run", "dscplus-login", "--server", server.url, "--json", env=env)
        assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
        assert [s["status"] for s in json.loads(ran.stdout)["scenarios"]] == ["passed"]


def wait_for_seeding_mark(demo_file: Path, process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Poll demo.json until ``sls demo`` has marked it ``seeding`` (another process is working: a condition,
    not the clock)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("sls demo exited before it marked demo.json")
        with contextlib.suppress(OSError, ValueError):  # being written: read it again
            if json.loads(demo_file.read_text()).get("seeding") is True:
                return
        time.sleep(0.005)
    raise AssertionError(f"sls demo never marked demo.json seeding in {timeout_s}s")


def test_scenarios_wait_for_a_restarted_demo_to_seed_its_world(tmp_path: Path) -> None:
    """A restarted ``sls demo`` answers before its world is seeded, and the last demo's demo.json names the
    same URL and token: a scenario started then took it for a seeded demo and wiped the world being seeded,
    so the seeding failed ("No IB Key of that user has that id") and the demo stopped. demo.json now says the
    world is being seeded, and the scenario commands refuse to touch it until it is there."""
    data_dir = tmp_path / "demo-data"
    env = clean_env(data_dir, SLS_ADMIN_TOKEN=ADMIN_TOKEN)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir.mkdir()
    (data_dir / "demo.json").write_text(json.dumps({"url": url, "admin_token": ADMIN_TOKEN, "users": {}}))
    log_path = tmp_path / "demo.log"
    command = [sys.executable, "-m", "sls_server.cli.main", "demo", "--port", str(port), "--workers", "1"]
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = ServerProcess(process, url, log_path)
    try:
        # The supervisor marks demo.json, then waits for its server to answer before its first seeding
        # request: held as soon as the mark is there, it has seeded nothing, however fast the machine.
        wait_for_seeding_mark(data_dir / "demo.json", process)
        process.send_signal(signal.SIGSTOP)
        try:
            wait_until_serving(
                server
            )  # the server (a child of its own) starts on while its supervisor is held
            assert json.loads((data_dir / "demo.json").read_text())["seeding"] is True
            shown = scenario("demo", "dscplus-login", "--pace", "0", env=env)
            ran = scenario("run", "dscplus-login", "--server", url, env=env)
        finally:
            process.send_signal(signal.SIGCONT)
        for refused in (shown, ran):
            assert refused.returncode == 1, refused.stdout[-3000:] + refused.stderr[-3000:]
            assert f"the sls demo at {url} is still seeding its world" in refused.stderr
        wait_for_world(server)
        info = json.loads((data_dir / "demo.json").read_text())
        assert "seeding" not in info and sorted(info["users"]) == NAMES
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        users = requests.get(f"{url}/admin/v1/users", headers=headers, timeout=10).json()["users"]
        assert sorted(users) == NAMES
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_world_the_server_does_not_take_back_is_left_in_a_file(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    """The world saved before the first wipe is the only copy: when the server is gone by the time it is to
    be loaded back, it is written to a private file, named with the command that loads it."""
    server = sls_serve(workers=1)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"username": "kept-kim", "password": "Amber-birch-cobalt-42", "sms": False}
    made = requests.post(f"{server.url}/admin/v1/users", json=body, headers=headers, timeout=10)
    assert made.status_code == 201, made.text
    target = RemoteTarget(server.url, ADMIN_TOKEN)
    target.prepare({})  # what the runner does before the first scenario: the world is saved
    server.process.terminate()
    server.process.wait(timeout=20)
    with pytest.raises(TargetError) as raised:
        target.close()
    message = str(raised.value)
    found = re.search(
        r"it is saved in (\S+): load it with `sls state import \1 --replace --url (\S+)`", message
    )
    assert found is not None and found.group(2) == server.url, message
    kept = Path(found.group(1))
    try:
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600  # password hashes, sealed keys
        assert [user["record"]["username"] for user in json.loads(kept.read_text())["users"]] == ["kept-kim"]
        assert "Amber-birch-cobalt-42" not in message + kept.read_text()
    finally:
        kept.unlink()

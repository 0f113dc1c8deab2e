"""``sls demo`` end to end, as real processes: the world it seeds over HTTP, what it prints and saves, its
roomier limits, ``--keep``, and a clean stop (the server, then its embedded Redis)."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from serve_processes import ServerProcess, wait_until_serving
from test_cli_e2e import clean_env, log_in, sls

from sls_server.cli import recorded_process
from sls_server.cli.demo_world import WORLD
from sls_server.stopping import end_child
from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e
#: Each demo user's authenticators, oldest first, as the README's demo table lists them.
DEMO_TABLE = {
    "card-carl": ["dscplus"],
    "android-ann": ["ibkey"],
    "iphone-ivy": ["ibkey"],
    "sms-sam": ["sms"],
    "voice-vic": ["voice"],
    "totp-tom": ["totp"],
    "multi-mia": ["dscplus", "ibkey", "sms", "totp"],
    "office-olga": ["dscplus"],
    "temp-tess": ["temporary"],
    "shared-sue": ["dscplus"],
    "shared-sid": ["dscplus"],
}
DONE = ("`sls world` prints it again", '"try":')  # what sls demo prints once demo.json is written


def redis_processes_in(folder: Path) -> list[int]:
    """redis-server renames itself (``redis-server unixsocket:...``), but it runs in its --dir: look there."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = (entry / "cwd").resolve(strict=True)
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if name.startswith("redis") and cwd.is_relative_to(folder.resolve()):
            found.append(int(entry.name))
    return found


def wait_for_world(server: ServerProcess, timeout_s: float = 60.0) -> None:
    """The server answers before its world is seeded: wait for the demo to say it is all there."""
    deadline = time.monotonic() + timeout_s
    while not any(done in server.log() for done in DONE):
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"sls demo never finished seeding:\n{server.log()}")
        time.sleep(0.05)  # another process is working: poll for its output, not for time


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Any]:
    """Start ``sls demo`` processes on one data folder; any still running is stopped (SIGTERM) at the end."""
    started: list[ServerProcess] = []
    data_dir = tmp_path / "demo-data"

    def start(*args: str, **env: str) -> ServerProcess:
        port = free_port()
        log_path = tmp_path / f"demo-{port}.log"
        command = [sys.executable, "-m", "sls_server.cli.main", "demo", "--port", str(port), "--workers", "1"]
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [*command, *args], env=clean_env(data_dir, **env), stdout=log_file, stderr=subprocess.STDOUT
            )
        server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
        started.append(server)
        wait_until_serving(server)
        wait_for_world(server)
        return server

    start.data_dir = data_dir  # type: ignore[attr-defined]
    yield start
    for server in started:
        end_child(server.process, 20)


def stop(server: ServerProcess) -> int:
    server.process.terminate()
    return server.process.wait(timeout=20)


def card_of(info: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in info["users"][name]["devices"] if d["type"] == "dscplus")


def test_demo_seeds_its_world_over_http_prints_it_and_cleans_up(demo: Any) -> None:
    server = demo()
    data_dir: Path = demo.data_dir
    env = clean_env(data_dir)
    demo_file = data_dir / "demo.json"
    assert stat.S_IMODE(demo_file.stat().st_mode) == 0o600
    info = json.loads(demo_file.read_text())
    assert info["url"] == server.url
    # the commands skip demo.json once its process is gone (recorded_process): its pid, namespace and start
    assert info["pid"] == server.process.pid and not recorded_process.gone(info)
    assert info["pid_started"] == recorded_process.started(server.process.pid)
    # and the run of the server its child serves: where the pid says nothing (another container), the URL
    # answering this run is the demo
    ready = {"status": "ready", "instance_id": info["instance_id"]}
    assert requests.get(f"{server.url}/readyz", timeout=10).json() == ready
    for key, path in (
        ("login_page", "/"),
        ("trainer", "/trainer"),
        ("simulators", "/sim"),
        ("docs", "/docs"),
    ):
        assert info[key] == f"{server.url}{path}"  # the pages a trainer opens, printed where they look first
        assert requests.get(info[key], timeout=10).status_code == 200, key
        assert info[key] in server.log(), key
    assert info["admin_token"] == (data_dir / "admin.token").read_text().strip()
    assert list(info["users"]) == [user.username for user in WORLD]
    assert info["users"]["office-olga"]["ip_allowlist"] == ["203.0.113.0/24"]
    assert {d["status"] for n in ("android-ann", "iphone-ivy") for d in info["users"][n]["devices"]} == {
        "active"
    }
    assert card_of(info, "shared-sid")["device_id"] == card_of(info, "shared-sue")["device_id"]
    admin = {"Authorization": f"Bearer {info['admin_token']}"}
    held = {  # the README's demo table, as the server has it: only sms-sam's SMS came at account opening
        name: [
            d["type"]
            for d in requests.get(f"{server.url}/admin/v1/users/{name}", headers=admin).json()["devices"]
        ]
        for name in info["users"]
    }
    assert held == DEMO_TABLE

    carl = info["users"]["card-carl"]
    log_in(server.url, "card-carl", carl["password"], card_of(info, "card-carl")["secret_hex"], "1234", env)
    listed = json.loads(sls("device", "list", "card-carl", "--json", env=env).stdout)["devices"]
    assert [d["device_id"] for d in listed] == [card_of(info, "card-carl")["device_id"]]
    for name in (
        "card-carl",
        "sms-sam",
        "iphone-ivy",
        "temp-tess",
        "shared-sid",
    ):  # a few, as a trainer would
        logged_in = json.loads(sls("login", name, "--auto", "--json", env=env).stdout)
        assert logged_in["state"] == "authenticated", name

    printed = server.log()
    for user in info["users"].values():  # who is who: name, password, phone
        row = next(
            line
            for line in printed.splitlines()
            if f" {user['username']} " in line and user["password"] in line
        )
        assert user["phone"] in row
    for shown in (
        info["admin_token"],
        card_of(info, "card-carl")["secret_hex"],
        info["users"]["totp-tom"]["devices"][0]["otpauth_uri"],
        "PIN 1234",
        "app PIN 12ab",
        "Face ID / Touch ID",
        "SLS_PUSH_LIMIT=20 (default 3)",
        "SLS_SMS_SEND_LIMIT=20 (default 5)",
        "SLS_CHALLENGE_ISSUE_LIMIT=100 (default 20)",
        "Try this",
        f"sls login card-carl --password {carl['password']}",
        "sls phone inbox attacker",
    ):
        assert shown in printed, shown
    # The seeding's requests stay out of the access log; requests after it do not.
    assert '"POST /admin/v1/users" 201' not in printed
    assert '"GET /admin/v1/users/<username>/devices" 200' in printed

    # The roomier push limit is in effect: a fourth login in the window still gets a push.
    for _ in range(4):
        body = {"username": "android-ann", "password": info["users"]["android-ann"]["password"]}
        started = requests.post(f"{server.url}/api/v1/auth/login", json=body, timeout=10)
        assert started.status_code == 200 and started.json()["factor"]["mode"] == "push"

    # The embedded Redis has no password: only a 0700 unix socket in the data folder, no TCP port.
    assert info["redis_url"] == f"unix://{data_dir / 'redis' / 'redis.sock'}"
    redis_socket = data_dir / "redis" / "redis.sock"
    assert stat.S_IMODE(redis_socket.stat().st_mode) == 0o700
    assert redis_processes_in(data_dir)
    assert stop(server) == 0
    assert redis_processes_in(data_dir) == []
    assert not redis_socket.exists()


def test_demo_wipes_state_unless_keep(demo: Any) -> None:
    env = clean_env(demo.data_dir)
    first = demo()
    first_info = json.loads((demo.data_dir / "demo.json").read_text())
    sls("user", "add", "carol", "--password", "plum-sketch-harbour-9", env=env)
    assert stop(first) == 0

    kept = demo("--keep")
    kept_info = json.loads((demo.data_dir / "demo.json").read_text())
    assert kept_info["users"] == first_info["users"]  # the same world: its keys still work
    carl = kept_info["users"]["card-carl"]
    log_in(
        kept.url, "card-carl", carl["password"], card_of(kept_info, "card-carl")["secret_hex"], "1234", env
    )
    assert json.loads(sls("device", "list", "carol", "--json", env=env).stdout)["devices"] == []
    assert (
        json.loads(sls("login", "totp-tom", "--auto", "--json", env=env).stdout)["state"] == "authenticated"
    )
    assert stop(kept) == 0

    fresh = demo()
    gone = sls("device", "list", "carol", "--json", env=env, check=False)
    assert gone.returncode == 1 and "unknown_user" in gone.stderr
    fresh_info = json.loads((demo.data_dir / "demo.json").read_text())
    assert card_of(fresh_info, "card-carl")["secret_hex"] != card_of(first_info, "card-carl")["secret_hex"]
    carl = fresh_info["users"]["card-carl"]
    log_in(
        fresh.url, "card-carl", carl["password"], card_of(fresh_info, "card-carl")["secret_hex"], "1234", env
    )


def test_a_second_demo_on_a_running_demos_data_folder_is_refused_and_changes_nothing(demo: Any) -> None:
    """It shared the first one's embedded Redis, wiped its world and took over demo.json (the CLI then
    pointed at the second, which was gone once stopped)."""
    env = clean_env(demo.data_dir)
    first = demo()
    sls("user", "add", "carol", "--password", "plum-sketch-harbour-9", env=env)
    written = (demo.data_dir / "demo.json").read_text()
    command = [
        sys.executable,
        "-m",
        "sls_server.cli.main",
        "demo",
        "--port",
        str(free_port()),
        "--workers",
        "1",
    ]
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 2, second.stderr  # a start that cannot happen, as every other (serve.py)
    (line,) = second.stderr.splitlines()  # its error alone, not the start's steps it undid
    assert line.startswith("error: SLS_DATA_DIR: another sls server already runs on the data folder"), line
    assert (demo.data_dir / "demo.json").read_text() == written
    kept = json.loads(sls("user", "list", "--json", env=env).stdout)["users"]
    assert "carol" in kept and first.process.poll() is None


def test_demo_with_a_sim_token_and_the_default_push_limit(demo: Any) -> None:
    token = "trainer-sim-token-0123456789"
    server = demo("--json", SLS_SIM_TOKEN=token, SLS_PUSH_LIMIT="3")
    info = json.loads((demo.data_dir / "demo.json").read_text())
    assert info["sim_token"] == token and "SLS_PUSH_LIMIT" not in info["limits"]
    printed = json.loads(next(line for line in server.log().splitlines() if line.startswith("{")))
    assert printed["users"] == info["users"]
    assert {d["status"] for d in info["users"]["android-ann"]["devices"]} == {
        "active"
    }  # seeded with the token
    assert requests.get(f"{server.url}/sim/v1/phones/+15555550101/messages", timeout=10).status_code == 401
    body = {"username": "android-ann", "password": info["users"]["android-ann"]["password"]}
    answers = [requests.post(f"{server.url}/api/v1/auth/login", json=body, timeout=10) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    modes = [a.json()["factor"]["mode"] for a in answers]
    assert modes == ["push", "push", "push", "challenge"]  # the push-fatigue defence, at its default


def test_demo_with_the_simulators_off_seeds_what_needs_no_phone(demo: Any) -> None:
    """SLS_SIM_ENABLED=false (the audience plays the attacker): no phone to read an activation code on, so
    the IB Keys stay pending, said so; everything else is there and the cards work."""
    server = demo(SLS_SIM_ENABLED="false")
    info = json.loads((demo.data_dir / "demo.json").read_text())
    ann = info["users"]["android-ann"]["devices"][0]
    assert ann["status"] == "pending_activation" and "SLS_SIM_ENABLED=false" in ann["note"]
    assert "SLS_SIM_ENABLED=false" in server.log()
    carl = info["users"]["card-carl"]
    log_in(
        server.url,
        "card-carl",
        carl["password"],
        card_of(info, "card-carl")["secret_hex"],
        "1234",
        clean_env(demo.data_dir),
    )
    assert stop(server) == 0


def test_demo_removes_its_workers_metric_files_when_it_stops(demo: Any, tmp_path: Path) -> None:
    """The gunicorn master of ``sls demo`` is a forked child that leaves by ``os._exit``, so exit handlers
    never ran there: every demo left its ``sls-metrics-*`` folder behind in the temporary folder."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    server = demo(TMPDIR=str(temporary))
    assert requests.get(f"{server.url}/healthz", timeout=10).ok  # a worker has counted a request
    assert len(list(temporary.glob("sls-metrics-*"))) == 1

    assert stop(server) == 0
    assert list(temporary.glob("sls-metrics-*")) == []


def test_the_demos_redis_watchdog_logs_as_the_server_does(demo: Any) -> None:
    """``sls demo``'s own process owns the embedded Redis and watches it: a crash and the restart are said in
    the server's log format, JSON lines under SLS_LOG_FORMAT=json (they were Python's bare fallback text)."""
    server = demo("--json", SLS_LOG_FORMAT="json")
    data_dir: Path = demo.data_dir
    [first] = redis_processes_in(data_dir)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while "is back on" not in server.log():  # polling the demo's output, not waiting for time
        assert time.monotonic() < deadline and server.process.poll() is None, server.log()
        time.sleep(0.05)
    said = [line for line in server.log().splitlines() if "embedded redis-server" in line]
    records = [json.loads(line) for line in said]  # each one a JSON object, or this fails naming it
    levels = {r["message"].split(" (")[0].split(" on ")[0]: r["level"] for r in records}
    assert levels["the embedded redis-server exited, killed by SIGKILL"] == "error", said
    assert levels["the embedded redis-server is back"] == "warning", said
    assert requests.get(f"{server.url}/readyz", timeout=10).status_code == 200
    assert stop(server) == 0


def test_the_demo_world_kept_comes_back_after_a_wipe(demo: Any) -> None:
    """`sls demo` keeps the world it seeded on the server: between two runs, `sls state restore-demo` (the
    console's "Back to the demo world") puts it back, its passwords and card keys working again."""
    env = clean_env(demo.data_dir)
    server = demo()
    info = json.loads((demo.data_dir / "demo.json").read_text())
    sls("user", "add", "carol", "--password", "plum-sketch-harbour-9", env=env)
    sls("wipe", "--yes", env=env)
    back = json.loads(sls("state", "restore-demo", "--json", env=env).stdout)
    assert back["replaced"] is True and back["imported"]["users"] == len(WORLD)
    assert sorted(json.loads(sls("user", "list", "--json", env=env).stdout)["users"]) == sorted(info["users"])
    carl = info["users"]["card-carl"]
    log_in(server.url, "card-carl", carl["password"], card_of(info, "card-carl")["secret_hex"], "1234", env)


def test_a_kept_demo_leaves_the_demo_world_kept_before_alone(demo: Any) -> None:
    """`sls demo --keep` kept the world as it stood (a class's user, a SIM still swapped, the clock a day
    on) as the demo world, over the one seeded: "Back to the demo world" then brought the class's state back.
    A demo world kept before stays the one to go back to; a server with none gets the world as it is."""
    env = clean_env(demo.data_dir)
    first = demo()
    seeded = json.loads((demo.data_dir / "demo.json").read_text())["users"]["card-carl"]["password"]
    sls("user", "add", "carol", "--password", "plum-sketch-harbour-9", env=env)
    sls("phone", "conditions", "+15555550104", "--sim-swapped-to", "attacker", env=env)
    sls("user", "password", "card-carl", "--password", "violet-harbour-lantern-77", env=env)
    assert stop(first) == 0

    kept = demo("--keep")
    assert json.loads(sls("world", "--json", env=env).stdout)["users"]["card-carl"]["password"] == (
        "violet-harbour-lantern-77"  # what the server holds now
    )
    sls("state", "restore-demo", env=env)
    assert "carol" not in json.loads(sls("user", "list", "--json", env=env).stdout)["users"]
    swapped = json.loads(sls("phone", "conditions", "+15555550104", "--json", env=env).stdout)
    assert swapped["sim_swapped_to"] is None, swapped
    # the seeded password is back, and demo.json follows it there
    assert json.loads(sls("world", "--json", env=env).stdout)["users"]["card-carl"]["password"] == seeded
    info = json.loads((demo.data_dir / "demo.json").read_text())
    log_in(kept.url, "card-carl", seeded, card_of(info, "card-carl")["secret_hex"], "1234", env)


def test_under_json_logs_every_line_of_the_demo_is_json(demo: Any) -> None:
    """SLS_LOG_FORMAT=json promises one JSON object per line, for a log collector; `sls demo` printed its
    banner and world panels as box art among them unless --json was given too (`sls serve` and `sls
    gateway` take the variable for --json)."""
    server = demo(SLS_LOG_FORMAT="json")
    assert stop(server) == 0
    lines = [line for line in server.log().splitlines() if line.strip()]
    not_json = [line for line in lines if not line.startswith("{")]
    assert not not_json, server.log()
    assert any(json.loads(line).get("users") for line in lines)  # the world, as --json prints it

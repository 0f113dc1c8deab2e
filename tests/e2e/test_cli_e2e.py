"""``sls`` as real processes: admin commands against ``sls serve`` (``sls demo`` is in ``test_cli_demo``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e

PASSWORD = "plum-sketch-harbour-9"
PIN = "2468"


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The test's environment without any SLS_* from outside, so no real demo.json or Redis is touched."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLS_")}
    return {**env, "SLS_DATA_DIR": str(data_dir), "SLS_HASH_PROFILE": "test", **extra}


def sls(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "sls_server.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check:
        assert done.returncode == 0, f"sls {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    return done


def wait_for_log(server: ServerProcess, needle: str, timeout_s: float = 60.0) -> str:
    """The access log line is written just after the response is sent: wait for it, not for the clock (the
    deadline guards against a hang; a loaded machine can be slow to write the line)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        log = server.log()
        if needle in log:
            return log
        time.sleep(0.02)
    raise AssertionError(f"{needle!r} never appeared in the log:\n{server.log()}")


def log_in(base: str, username: str, password: str, secret_hex: str, pin: str, env: dict[str, str]) -> dict:
    """Password over HTTP, then the card's response as ``sls device respond`` computes it offline."""
    http = requests.Session()
    started = http.post(
        f"{base}/api/v1/auth/login", json={"username": username, "password": password}, timeout=10
    )
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["state"] == "second_factor" and body["factor"]["type"] == "dscplus"
    computed = sls(
        "device",
        "respond",
        "--secret-hex",
        secret_hex,
        "--pin",
        pin,
        "--challenge",
        body["factor"]["challenge"],
        "--json",
        env=env,
    )
    response = json.loads(computed.stdout)["response"]
    done = http.post(
        f"{base}/api/v1/auth/login/{body['txn_id']}/verify", json={"response": response}, timeout=10
    )
    assert done.status_code == 200, done.text
    result = done.json()
    assert result["state"] == "authenticated"
    return result


# --- admin commands against `sls serve` ---------------------------------------------------------------


def test_cli_sets_up_a_user_who_logs_in_over_http(racing_server: ServerProcess, tmp_path: Path) -> None:
    server = racing_server
    env = clean_env(tmp_path / "cli-data")
    target = ["--url", server.url, "--admin-token", ADMIN_TOKEN]

    added = sls(
        "user", "add", "carol", "--password", PASSWORD, "--phone", "+15551234567", *target, "--json", env=env
    )
    assert json.loads(added.stdout)["username"] == "carol"
    enrolled = sls(
        "device", "enroll", "carol", "--pin", PIN, "--label", "desk card", *target, "--json", env=env
    )
    card = json.loads(enrolled.stdout)
    assert card["suite"] == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1" and len(bytes.fromhex(card["secret_hex"])) == 32
    assert "shown once" in enrolled.stderr

    listed = json.loads(sls("device", "list", "carol", *target, "--json", env=env).stdout)["devices"]
    by_type = {d["type"]: (d["device_id"], d["label"], d["status"]) for d in listed}
    assert by_type == {  # the SMS of account opening (a phone was given), and the card
        "sms": (by_type["sms"][0], "SMS +1•••••••4567", "active"),
        "dscplus": (card["device_id"], "desk card", "active"),
    }
    assert all("secret_hex" not in d for d in listed)
    table = sls("device", "list", "carol", *target, env=env).stdout
    assert card["device_id"] in table and card["serial"] in table

    session = log_in(server.url, "carol", PASSWORD, card["secret_hex"], PIN, env)

    # The access log has the request lines, and none of the secrets that went by.
    log = wait_for_log(server, '"POST /api/v1/auth/login/')
    assert '"POST /admin/v1/users" 201' in log
    assert '"POST /admin/v1/users/<username>/devices" 201' in log  # the route, never the username
    assert '"POST /api/v1/auth/login" 200' in log
    for secret in (PASSWORD, ADMIN_TOKEN, card["secret_hex"], session["session"]["token"], '"pin"'):
        assert secret not in log


def test_cli_reports_server_errors_and_moves_the_clock(plain_server: Any, tmp_path: Path) -> None:
    server = plain_server
    env = clean_env(tmp_path / "cli-data")
    target = ["--url", server.url, "--admin-token", ADMIN_TOKEN]
    sls("user", "add", "dave", "--password", PASSWORD, *target, env=env)

    again = sls("user", "add", "dave", "--password", PASSWORD, *target, env=env, check=False)
    assert again.returncode == 1
    assert again.stderr.strip() == "error: user_exists: A user with that username already exists."
    weak = sls("user", "add", "erin", "--password", "password", *target, env=env, check=False)
    assert weak.returncode == 1 and weak.stderr.startswith("error: weak_password: ")
    no_token = sls(
        "device",
        "list",
        "dave",
        "--url",
        server.url,
        "--admin-token",
        "wrong-token-0123456789",
        env=env,
        check=False,
    )
    assert no_token.returncode == 1 and "admin_token_required" in no_token.stderr
    assert "the admin token sent is not this server's" in no_token.stderr  # given, and refused: not missing
    missing = sls("device", "list", "dave", "--url", server.url, env=env, check=False)  # no token anywhere
    assert missing.returncode == 1 and "(pass --admin-token or set SLS_ADMIN_TOKEN;" in missing.stderr
    unknown = sls("device", "revoke", "dave", "dscplus-000000000000", *target, env=env, check=False)
    assert unknown.returncode == 1 and "unknown_device" in unknown.stderr
    assert "(`sls device list USER` shows a user's devices)" in unknown.stderr  # what to do, not just no
    nobody = sls("attack", "brute-force", "nobody", *target, env=env, check=False)
    assert nobody.stderr.strip() == (
        "error: unknown_user: No such user. (`sls user list` shows the users there are)"
    )
    told = json.loads(sls("user", "show", "nobody", *target, "--json", env=env, check=False).stderr)
    assert told["error"]["message"] == "No such user."  # --json keeps the server's words alone
    bare = sls("login", "dave", "--password", PASSWORD, *target, env=env, check=False)  # no factor yet
    assert bare.returncode == 1 and bare.stderr.startswith("error: no_second_factor"), bare.stderr
    assert "(`sls device list USER` shows why; `sls device enroll USER` adds one)" in bare.stderr
    for _ in range(5):
        sls("login", "dave", "--password", "wrong-password-0", *target, env=env, check=False)
    locked = sls("login", "dave", "--password", PASSWORD, *target, env=env, check=False)
    assert locked.returncode == 1 and locked.stderr.startswith("error: account_locked"), locked.stderr
    assert "(it lapses by itself; `sls user unlock USER` lifts it now)" in locked.stderr
    sls("user", "unlock", "dave", *target, env=env)

    before = json.loads(sls("clock", *target, "--json", env=env).stdout)
    moved = json.loads(sls("clock", "--advance", "15m", *target, "--json", env=env).stdout)
    assert moved["offset_s"] == before["offset_s"] + 900
    assert moved["now"] - before["now"] >= 900
    assert (
        json.loads(sls("clock", "--set-at", "2030-01-01T00:00:00Z", *target, "--json", env=env).stdout)["now"]
        == 1893456000
    )
    reset = json.loads(sls("clock", "--reset", *target, "--json", env=env).stdout)
    assert reset["offset_s"] == 0, "back to real time: a real authenticator app's codes match again"
    both = sls("clock", "--reset", "--advance", "1m", *target, env=env, check=False)
    assert both.returncode == 2 and "give one of them" in both.stderr

    card = json.loads(sls("device", "enroll", "dave", "--pin", PIN, *target, "--json", env=env).stdout)
    revoked = json.loads(
        sls("device", "revoke", "dave", card["device_id"], *target, "--json", env=env).stdout
    )
    assert revoked["status"] == "revoked"
    card = json.loads(sls("device", "enroll", "dave", "--pin", PIN, *target, "--json", env=env).stdout)
    sls("user", "add", "erin", "--password", PASSWORD, *target, env=env)
    sls("device", "enroll", "erin", "--share", card["device_id"], *target, env=env)
    unshared = sls("device", "revoke", "erin", card["device_id"], *target, env=env).stdout
    assert f"erin no longer uses {card['device_id']}; it stays dave's" in " ".join(unshared.split())


def test_serve_refuses_a_port_in_use_in_one_line(redis_url: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = sls(
            "serve", "--port", str(port), "--redis-url", redis_url, env=clean_env(tmp_path), check=False
        )
    assert done.returncode == 2
    # a newcomer's `sls demo` on a machine where another program has 8000: the line says what to do
    assert done.stderr.strip() == (
        f"error: --port: 127.0.0.1:{port} is already in use: another program listens there;"
        " give another port (--port 8080), or 0 for a free one"
    )


def test_serve_refuses_bad_config_in_one_line(tmp_path: Path) -> None:
    done = sls("serve", "--port", "0", env=clean_env(tmp_path, SLS_CHALLENGE_TTL="9999"), check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: SLS_CHALLENGE_TTL: must be between 30 and 600 seconds, got 9999"
    assert done.stdout == ""

"""The account-protection commands against a real ``sls serve``."""

from __future__ import annotations

import json
import subprocess

import pytest
import requests

pytestmark = pytest.mark.e2e
PASSWORD = "Correct-Horse-Battery-9"


def sls(server, *args: str) -> subprocess.CompletedProcess[str]:
    return server.sls(*args)


def test_lockout_unlock_allowlist_and_device_unlock_from_the_cli(plain_server) -> None:
    server = plain_server
    assert sls(server, "user", "add", "alice", "--password", PASSWORD).returncode == 0
    card = json.loads(sls(server, "device", "enroll", "alice", "--pin", "1234", "--json").stdout)
    for _ in range(5):
        requests.post(
            f"{server.url}/api/v1/auth/login",
            json={"username": "alice", "password": "nope-nope-nope"},
            timeout=10,
        )

    state = json.loads(sls(server, "user", "lockout", "alice", "--json").stdout)
    assert state["locked"] is True and state["buckets"]["all"]["locks"] == 1
    shown = sls(server, "user", "lockout", "alice")
    assert shown.returncode == 0 and "LOCKED" in shown.stdout
    unlocked = json.loads(sls(server, "user", "unlock", "alice", "--json").stdout)
    assert unlocked["locked"] is False
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    )
    assert login.status_code == 200

    listed = json.loads(
        sls(server, "user", "allowlist", "alice", "192.0.2.0/24", "10.1.2.3/8", "--json").stdout
    )
    assert listed["ip_allowlist"] == ["192.0.2.0/24", "10.0.0.0/8"]
    refused = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    )
    assert refused.status_code == 403 and refused.json()["error"] == "ip_restricted"
    bad = sls(server, "user", "allowlist", "alice", "10.0.0.0/33")
    assert bad.returncode == 1 and "10.0.0.0/33" in bad.stderr
    relayed = sls(server, "attack", "phishing-relay", "alice", "--password", PASSWORD, "--json")
    assert relayed.returncode == 0, relayed.stderr  # a copy of the login page, relayed from outside the list
    report = json.loads(relayed.stdout)
    assert report["attacker_succeeded"] is False and report["outcomes"] == {"ip_restricted": 1}
    unasked = sls(server, "attack", "sim-swap", "alice")  # no password given, and no terminal to ask at
    assert unasked.returncode == 2 and "--password" in unasked.stderr
    assert (
        json.loads(sls(server, "user", "allowlist", "alice", "--clear", "--json").stdout)["ip_allowlist"]
        == []
    )

    disabled = json.loads(sls(server, "user", "disable", "alice", "--json").stdout)
    assert disabled["disabled"] is True
    refused = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    )
    assert refused.status_code == 403 and refused.json()["error"] == "account_disabled"
    assert json.loads(sls(server, "user", "enable", "alice", "--json").stdout)["disabled"] is False

    device = json.loads(sls(server, "device", "unlock", card["device_id"], "--json").stdout)
    assert device["after"]["factor_locked"] is False and device["changed"] == []
    assert device["summary"] == [f"{card['device_id']} was not disabled by wrong responses: nothing changed."]

    brute = sls(server, "attack", "brute-force", "alice")
    assert brute.returncode == 0 and "The defences held." in brute.stdout, brute.stdout + brute.stderr
    assert "423 account_locked" in brute.stdout
    assert json.loads(sls(server, "user", "lockout", "alice", "--json").stdout)["locked"] is True


def test_unlock_says_what_it_changed(plain_server) -> None:
    """The state after an unlock is always "not locked": printed alone, with an empty table, it read as if
    the account had never been locked. The command says what it lifted or forgot."""
    server = plain_server
    assert sls(server, "user", "add", "alice", "--password", PASSWORD).returncode == 0

    def fail(times: int) -> None:
        for _ in range(times):
            requests.post(
                f"{server.url}/api/v1/auth/login",
                json={"username": "alice", "password": "nope-nope-nope"},
                timeout=10,
            )

    fail(5)
    told = sls(server, "user", "unlock", "alice")
    assert told.returncode == 0 and told.stdout.startswith("Unlocked alice: they may log in again"), told
    assert "1 lock(s)" in told.stdout and "not locked" not in told.stdout
    nothing = sls(server, "user", "unlock", "alice").stdout
    assert nothing.strip() == "alice was not locked and had no failed sign-ins: nothing changed."
    fail(2)
    assert sls(server, "user", "unlock", "alice").stdout.strip() == (
        "alice was not locked; forgotten: 2 failed sign-in(s)."
    )

"""The set-up and control commands against a real ``sls serve``: users, accounts, sessions, events (and
following them), the server's status and contract, a wipe."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
    session_of,
)
from conftest import ADMIN_TOKEN
from json_error_kit import json_error

pytestmark = pytest.mark.e2e
PASSWORD = "plum-sketch-harbour-9"


def test_users_from_the_cli(demo: Demo) -> None:
    created = demo.json(
        "user", "add", "carol", "--password", PASSWORD, "--phone", "+15555550150", "--allow", "10.0.0.0/8"
    )
    assert created["username"] == "carol" and created["phone"] == "+15555550150"
    assert [(d["type"], d["label"]) for d in created["devices"]] == [
        ("sms", "SMS +1•••••••0150")
    ]  # at opening
    bare = demo.json("user", "add", "dora", "--password", PASSWORD, "--phone", "+15555550151", "--no-sms")
    assert bare["phone"] == "+15555550151" and bare["devices"] == []
    assert demo.json("user", "allowlist", "carol")["ip_allowlist"] == ["10.0.0.0/8"]
    assert "10.0.0.0/8" in demo.ok("user", "show", "carol").stdout  # it was set, so it is shown
    assert "carol" in demo.json("user", "list")["users"] and "card-carl" in demo.json("user", "list")["users"]
    shown = demo.ok("user", "show", "multi-mia").stdout
    for kind in ("dscplus", "ibkey", "sms", "totp"):
        assert kind in shown
    assert demo.json("user", "show", "multi-mia")["phone"] == demo.user("multi-mia")["phone"]

    asked = demo.sls("user", "delete", "carol", input="n\n")
    assert asked.exit_code == 1 and "Delete carol" in asked.stderr
    assert demo.json("user", "delete", "carol", "--yes") == {"deleted": "carol"}
    gone = demo.sls("user", "show", "carol")
    assert gone.exit_code == 1 and gone.stderr.startswith("error: unknown_user")
    gone = demo.sls("user", "show", "carol", "--json")  # a script's: the server's code, in JSON
    said = demo.admin("GET", "/admin/v1/users/carol").json()["message"]
    assert gone.exit_code == 1 and json_error(gone, "unknown_user", status=404)["message"] == said


def test_accounts_from_the_cli(demo: Demo) -> None:
    made = demo.json("account", "create", "U1234567", "--user", "card-carl", "--allow", "203.0.113.0/24")
    assert made["users"] == ["card-carl"] and made["ip_allowlist"] == ["203.0.113.0/24"]
    refused = demo.sls("login", "card-carl", "--auto")
    assert refused.exit_code == 1 and "ip_restricted" in refused.stderr
    assert demo.json("account", "allowlist", "U1234567", "127.0.0.1", "203.0.113.0/24")["ip_allowlist"] == [
        "127.0.0.1",
        "203.0.113.0/24",
    ]
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    assert demo.json("account", "add-user", "U1234567", "sms-sam")["users"] == ["card-carl", "sms-sam"]
    assert demo.json("account", "allowlist", "U1234567", "--clear")["ip_allowlist"] == []
    shown = demo.ok("account", "show", "U1234567").stdout
    assert "unrestricted" in shown and "sms-sam" in shown


def test_accounts_listed_left_and_deleted_from_the_cli(demo: Demo) -> None:
    demo.json(
        "account",
        "create",
        "U1234567",
        "--user",
        "card-carl",
        "--user",
        "sms-sam",
        "--allow",
        "203.0.113.0/24",
    )
    demo.json("account", "create", "U7654321")
    listed = demo.json("account", "list")["accounts"]
    assert [(a["account_id"], a["users"]) for a in listed] == [
        ("U1234567", ["card-carl", "sms-sam"]),
        ("U7654321", []),
    ]
    shown = demo.ok("account", "list").stdout
    assert "2 account(s)" in shown and "203.0.113.0/24" in shown and "unrestricted" in shown
    assert demo.sls("login", "card-carl", "--auto").exit_code == 1  # ip_restricted: 127.0.0.1 is not in it

    left = demo.ok("account", "remove-user", "U1234567", "card-carl").stdout
    assert "card-carl taken out of account U1234567" in left and "sms-sam" in left
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    again = demo.sls("account", "remove-user", "U1234567", "card-carl")
    assert again.exit_code == 1 and again.stderr.startswith("error: user_not_in_account")

    asked = demo.sls("account", "delete", "U1234567", input="n\n")
    assert asked.exit_code == 1 and "Delete account U1234567" in asked.stderr
    assert demo.json("account", "delete", "U1234567", "--yes") == {
        "deleted": "U1234567",
        "users": ["sms-sam"],
    }
    said = demo.ok("account", "delete", "U7654321", "--yes").stdout
    assert said.strip() == "deleted account U7654321 (its former users: none)"
    assert demo.json("account", "list") == {"accounts": []}
    gone = demo.sls("account", "delete", "U1234567", "--yes")
    assert gone.exit_code == 1 and gone.stderr.startswith("error: unknown_account")


def test_sessions_listed_and_ended(demo: Demo) -> None:
    token = demo.json("login", "card-carl", "--auto")["session"]["token"]
    listed = demo.json("sessions", "list", "card-carl")["sessions"]
    assert len(listed) == 1 and listed[0]["factor"] == "dscplus"
    assert listed[0]["id"] in demo.ok("sessions", "list", "card-carl").stdout
    ended = demo.json("sessions", "end", listed[0]["id"])
    assert ended == {"ended": listed[0]["id"], "username": "card-carl"}
    assert session_of(demo.server, token).status_code == 401
    unknown = demo.sls("sessions", "end", "nope")
    assert unknown.exit_code == 1 and "unknown_session" in unknown.stderr


def test_every_console_sign_in_ended_from_the_cli(demo: Demo) -> None:
    browser = requests.Session()
    page = browser.get(f"{demo.server.url}/trainer", timeout=10).text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"token": ADMIN_TOKEN, "csrf_token": csrf}
    signed = browser.post(f"{demo.server.url}/trainer/sign-in", data=form, allow_redirects=False, timeout=10)
    assert signed.status_code == 303
    assert browser.get(f"{demo.server.url}/trainer/users", timeout=10).status_code == 200

    assert demo.json("sessions", "end-console") == {"trainer": 1, "sim": 0}

    assert browser.get(f"{demo.server.url}/trainer/users", timeout=10).status_code == 401
    assert "ended 0 console and 0 simulator sign-ins" in demo.ok("sessions", "end-console").stdout


def test_events_filtered_and_followed(demo: Demo) -> None:
    demo.json("login", "sms-sam", "--auto")
    mine = demo.json("events", "--user", "sms-sam")["events"]
    assert mine and {e.get("user") for e in mine} == {"sms-sam"}
    assert [e["type"] for e in demo.json("events", "--type", "login.succeeded")["events"]] == [
        "login.succeeded"
    ]
    page = demo.sls("events", "--limit", "2")
    assert page.exit_code == 0 and "sls events --since" in page.stderr and "there may be more" in page.stderr
    for cursor in ("99999999999999999999-0", "18446744073709551616-0"):  # past 64 bits: Redis cannot read on
        refused = demo.sls("events", "--since", cursor)
        assert refused.exit_code == 1, refused.stderr
        assert refused.stderr.startswith("error: invalid_request") and "since" in refused.stderr
        assert "internal_error" not in refused.stderr
    refused = demo.sls("events", "--since", "99999999999999999999-0", "--json")
    told = json_error(refused, "invalid_request", "since", status=400)  # the rest of the body: details
    assert refused.exit_code == 1 and told["details"] == {"field": "since"}

    follower = subprocess.Popen(
        [sys.executable, "-m", "sls_server.cli.main", "events", "--follow", "--json", "--user", "card-carl",
         "--interval", "0.2"],
        env={**os.environ, **demo.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        seen = []
        assert follower.stdout is not None
        for line in follower.stdout:  # the user.created/device.enrolled of the seeding come first
            seen.append(json.loads(line))
            if seen[-1]["type"] == "device.enrolled":
                break
        demo.json("login", "card-carl", "--auto")
        for line in follower.stdout:  # then the login, as it happens
            seen.append(json.loads(line))
            if seen[-1]["type"] == "login.succeeded":
                break
    finally:
        follower.send_signal(signal.SIGINT)  # Ctrl-C, which --follow's help says ends it
        _, stderr = follower.communicate(timeout=10)  # reads what is left and closes both pipes
    assert follower.returncode == 130, stderr  # an interrupt, not click's "Aborted!" and 1 (a refusal's code)
    assert "Aborted" not in stderr
    types = [e["type"] for e in seen]
    assert types[0] == "user.created" and "login.password_ok" in types and types[-1] == "login.succeeded"
    assert len({e["id"] for e in seen}) == len(seen)  # nothing shown twice
    assert {e["user"] for e in seen} == {"card-carl"}


def test_status_openapi_and_wipe(demo: Demo) -> None:
    status = demo.json("status")
    assert status["healthz"]["status"] == "ok" and status["readyz"]["status"] == "ready"
    assert status["healthz"]["instance_id"] == status["readyz"]["instance_id"]  # one run
    document = demo.json("openapi")
    assert document["openapi"].startswith("3.1") and "/admin/v1/events" in document["paths"]
    listed = demo.ok("openapi").stdout
    assert (
        "POST   /admin/v1/devices/{device_id}/reset" in listed
        or "/admin/v1/devices/{device_id}/reset" in listed
    )

    refused = demo.sls("wipe", input="n\n")
    assert refused.exit_code == 1
    assert demo.json("user", "list")["users"]
    assert demo.json("wipe", "--yes")["reset"] is True
    assert demo.json("user", "list")["users"] == []

    down = demo.sls("status", "--url", "http://127.0.0.1:9")
    assert down.exit_code == 1 and "no server at http://127.0.0.1:9" in down.stderr


def test_a_voice_call_saved_as_audio(demo: Demo, tmp_path: Path) -> None:
    demo.json("login", "voice-vic", "--auto")
    call = demo.json("phone", "calls", demo.user("voice-vic")["phone"])["calls"][0]
    target = tmp_path / "call.wav"
    saved = demo.sls(
        "phone", "audio", demo.user("voice-vic")["phone"], call["id"], "-o", str(target), "--json"
    )
    if call["audio_url"] is None:  # no speech synthesiser on this machine: the server says so, in one line
        assert saved.exit_code == 1 and not target.exists()
        json_error(saved, "audio_unavailable", status=404)
        return
    assert saved.exit_code == 0, saved.output
    assert target.read_bytes()[:4] == b"RIFF" and json.loads(saved.stdout)["bytes"] == target.stat().st_size
    assert requests.get(f"{demo.server.url}{call['audio_url']}", timeout=10).content == target.read_bytes()


def test_a_refusal_of_several_fields_names_each_on_a_line_of_its_own(demo: Demo) -> None:
    """The 400's `problems` reached the terminal as a Python list of dicts."""
    refused = demo.sls(
        "device", "enroll", "card-carl", "--type", "dscplus", "--pin", "12", "--label", "x" * 300
    )
    said = refused.stderr
    assert refused.exit_code == 1, refused.output
    assert "problems=" not in said and "{'message'" not in said, said
    first, *also = said.strip().splitlines()
    assert first.startswith("error: invalid_request: ") and "field=" in first, said
    assert len(also) == 1 and also[0].startswith("  also: "), said
    assert {"pin", "label"} == {w for w in ("pin", "label") if w in first or w in also[0]}, said


def test_a_new_user_s_bad_name_and_weak_password_are_each_told(demo: Demo) -> None:
    """The username's form and the password policy are judged after the body's shape: the terminal told
    the first refused field alone, and the next try told the next."""
    before = demo.json("user", "list")["users"]
    refused = demo.sls("user", "add", "x!", "--password", "aaaaaaaaaa", "--phone", "555-0100")
    said = refused.stderr
    assert refused.exit_code == 1, refused.output
    first, *also = said.strip().splitlines()
    assert first.startswith("error: invalid_request: username must be 3-64 characters"), said
    assert also == [
        "  also: password: Must not be one character repeated.",
        "  also: phone must be in E.164 form, like +15551234567",
    ], said
    assert "aaaaaaaaaa" not in refused.output
    assert demo.json("user", "list")["users"] == before

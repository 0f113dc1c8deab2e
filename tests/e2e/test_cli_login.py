"""``sls login``, ``switch``, ``answer``, ``stepup``, ``whoami``, ``withdraw`` and ``logout`` against the demo
world on a real ``sls serve``: every authenticator, answered the ways the CLI offers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
    session_of,
)

from sls_server.cli import login_state

pytestmark = pytest.mark.e2e


def test_every_demo_user_logs_in_with_auto(demo: Demo) -> None:
    for name in demo.info["users"]:
        if name == "office-olga":
            continue
        result = demo.json("login", name, "--auto")
        assert result["state"] == "authenticated" and result["username"] == name, name
        shown = session_of(demo.server, result["session"]["token"])
        assert shown.status_code == 200 and shown.json()["username"] == name, name
        assert demo.json("whoami", "--user", name)["username"] == name
    refused = demo.sls("login", "office-olga", "--auto")
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: ip_restricted")
    assert "sls user allowlist" in refused.stderr


def test_several_factors_each_by_name(demo: Demo) -> None:
    """M2FS: multi-mia logs in with each of her factors; voice runs on her SMS phone."""
    for factor in ("dscplus", "ibkey", "sms", "voice", "totp"):
        result = demo.json("login", "multi-mia", "--auto", "--factor", factor)
        assert result["state"] == "authenticated", factor
        events = demo.json("events", "--user", "multi-mia", "--type", "login.succeeded")["events"]
        assert events[-1]["factor"] == factor


def test_start_only_lists_as_other_factors_only_the_ones_not_prompted(demo: Demo) -> None:
    carl = demo.ok("login", "card-carl", "--auto", "--start-only").stdout
    assert "challenge" in carl and "other factors" not in carl  # one card: no other factor to offer
    mia = demo.ok("login", "multi-mia", "--auto", "--start-only").stdout
    prompted = next(line.split()[1] for line in mia.splitlines() if line.split()[:1] == ["device_id"])
    others = next(line for line in mia.splitlines() if "other factors" in line)
    assert prompted.startswith("dscplus-") and prompted not in others
    for kind in ("ibkey", "sms", "voice", "totp"):
        assert kind in others


def test_the_prompt_offers_what_the_demo_world_knows_and_switches_on_a_name(demo: Demo) -> None:
    carl = demo.user("card-carl")
    typed = f"{carl['password']}\n00000000\n\n"  # the password, a wrong response, then Enter: the card's
    result = demo.sls("login", "card-carl", input=typed)
    assert result.exit_code == 0, result.output
    assert carl["password"] not in result.output  # hidden input is not echoed
    assert "Challenge " in result.stderr and "sls device card-respond" in result.stderr
    assert "2 attempt(s) left" in result.stderr
    assert "logged in as card-carl with dscplus" in result.stdout

    mia = demo.user("multi-mia")
    result = demo.sls("login", "multi-mia", input=f"{mia['password']}\ntotp\n\n")
    assert result.exit_code == 0, result.output
    assert "logged in as multi-mia with totp" in result.stdout


def test_a_push_login_waits_for_the_approval(demo: Demo) -> None:
    ann = demo.user("android-ann")
    app = demo.device("android-ann", "ibkey")

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sls_server.cli.main",
                "login",
                "android-ann",
                "--password",
                ann["password"],
                "--json",
                "--timeout",
                "60",
            ],
            env={**os.environ, **demo.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def waiting_login() -> tuple[dict[str, Any], dict[str, Any]]:
        """The login the CLI keeps while it waits, and its notification on the phone."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            kept = (
                json.loads((demo.data_dir / login_state.FILENAME).read_text() or "{}")
                if (demo.data_dir / login_state.FILENAME).exists()
                else {}
            )
            pending = kept.get(demo.server.url, {}).get("users", {}).get("android-ann", {}).get("pending")
            if pending:
                listed = requests.get(
                    f"{demo.server.url}/sim/v1/ibkey/{app['device_id']}/notifications", timeout=10
                ).json()["notifications"]
                mine = [n for n in listed if n["txn_id"] == pending["txn_id"]]
                if mine:
                    return pending, mine[0]
            time.sleep(0.05)  # waiting for another process to get there, not for time to pass
        raise AssertionError("the login never showed up on the phone")

    process = start()
    pending, note = waiting_login()
    approved = requests.post(
        f"{demo.server.url}/sim/v1/ibkey/{app['device_id']}/notifications/{note['id']}/approve",
        json={"match": pending["factor"]["match"], "pin": "12ab"},
        timeout=10,
    )
    assert approved.status_code == 200, approved.text
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert (
        "Approve on the phone, picking" in err
        and f"sls device approve {app['device_id']} {note['id']}" in err
    )
    assert session_of(demo.server, json.loads(out)["session"]["token"]).status_code == 200

    process = start()
    pending, note = waiting_login()
    denied = requests.post(
        f"{demo.server.url}/sim/v1/ibkey/{app['device_id']}/notifications/{note['id']}/deny",
        json={"pin": "12ab"},
        timeout=10,
    )
    assert denied.status_code == 200, denied.text
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and out == ""
    told = {"error": {"code": "login_denied", "message": "login denied", "status": None}}
    assert json.loads(err.strip().splitlines()[-1]) == told  # after the hint: one JSON object, the last line


def test_answer_auto_collects_a_push_approved_on_the_phone_already(demo: Demo) -> None:
    """docs/trainers.md's way: `--start-only`, the push answered with `sls device approve` (or deny), then
    `sls answer --auto` collects the session (it said the notification was gone, and the session stayed
    uncollected) or says the login was denied."""
    ivy = demo.user("iphone-ivy")
    app = demo.device("iphone-ivy", "ibkey")["device_id"]

    def pushed() -> tuple[dict[str, Any], str]:
        """A push login left open, and its notification's id on the phone."""
        start = demo.ok("login", "iphone-ivy", "--password", ivy["password"], "--start-only")
        assert "once approved, `sls answer` collects it" in start.stderr
        kept = json.loads((demo.data_dir / login_state.FILENAME).read_text())
        pending = kept[demo.server.url]["users"]["iphone-ivy"]["pending"]
        listed = demo.json("device", "notifications", app)["notifications"]
        return pending, next(n["id"] for n in listed if n["txn_id"] == pending["txn_id"])

    pending, note = pushed()
    demo.ok("device", "approve", app, note, "--match", pending["factor"]["match"], "--biometric")
    result = demo.json("answer", "--auto")
    assert result["state"] == "authenticated"
    assert session_of(demo.server, result["session"]["token"]).status_code == 200

    pending, note = pushed()
    demo.ok("device", "deny", app, note, "--biometric")
    denied = demo.sls("answer", "--auto")
    assert denied.exit_code == 1 and denied.stderr.strip() == "error: login denied"


def test_a_sim_swap_from_the_cli(demo: Demo) -> None:
    """The third 'try this' flow: the attacker's handset gets the code and finishes the login."""
    sam = demo.user("sms-sam")
    demo.ok("phone", "conditions", sam["phone"], "--sim-swapped-to", "attacker")
    started = demo.json("login", "sms-sam", "--password", sam["password"], "--start-only")
    assert started["factor"]["type"] == "sms" and "login_token" in started
    nothing = demo.sls("answer", "--auto")
    assert nothing.exit_code == 1 and f"no text with a code reached {sam['phone']}" in nothing.stderr
    said = " ".join(nothing.stderr.split())
    assert "its SIM is in the handset 'attacker'" in said and "sls phone inbox attacker" in said
    hinted = " ".join(demo.ok("switch", "sms").stderr.split())  # a new code: the hint names where it went
    assert "sls phone inbox attacker" in hinted and f"sls phone inbox {sam['phone']}" not in hinted
    code = next(m["code"] for m in demo.json("phone", "inbox", "attacker")["messages"] if m["code"])
    done = demo.json("answer", code)
    assert done["state"] == "authenticated" and done["username"] == "sms-sam"

    demo.ok("phone", "conditions", sam["phone"], "--restore-sim")
    demo.ok("login", "sms-sam", "--auto", "--start-only")
    switched = demo.json("switch", "voice")
    assert switched["factor"]["channel"] == "voice"
    assert demo.json("answer", "--auto")["state"] == "authenticated"
    assert demo.json("phone", "calls", sam["phone"])["calls"][0]["code"]


def test_step_up_then_withdraw_and_automatic_logoff(demo: Demo) -> None:
    first = demo.json("login", "card-carl", "--auto")["session"]["token"]
    refused = demo.sls("withdraw", "100")
    assert refused.exit_code == 1
    assert "reauth_required" in refused.stderr and "sls stepup --purpose withdrawal" in refused.stderr
    verified = demo.json("stepup", "--purpose", "withdrawal", "--auto")
    assert verified["state"] == "verified" and verified["purpose"] == "withdrawal"
    assert session_of(demo.server, first).status_code == 401  # rotated: the old token is dead
    withdrawal = demo.json("withdraw", "100", "--currency", "USD")
    assert withdrawal["state"] == "accepted" and (withdrawal["amount"], withdrawal["currency"]) == (
        100,
        "USD",
    )
    assert demo.json("events", "--user", "card-carl", "--type", "withdrawal.requested")["events"]

    demo.json("login", "iphone-ivy", "--auto")
    pushed = demo.json("stepup", "--purpose", "change_contact", "--auto")  # an app approval, polled
    assert pushed["state"] == "verified"
    sent = demo.json("change-phone", "+15555550199")  # no terminal: it stops after the text
    assert sent["state"] == "code_sent" and sent["sent_to"] == "+1•••••••0199"
    texted = demo.json("phone", "inbox", "+15555550199")["messages"]
    code = next(m["code"] for m in texted if m["purpose"] == "phone_change")
    changed = demo.json("change-phone", "+15555550199", "--code", code)
    assert changed["state"] == "changed" and changed["phone"] == "+15555550199"
    again = demo.json("change-phone", "+15555550198", "--auto")  # its code read off the simulated phone
    assert again["state"] == "changed" and again["previous_phone"] == "+15555550199"

    demo.ok("clock", "--advance", "901")
    expired = demo.sls("whoami", "--user", "card-carl")
    assert expired.exit_code == 1 and expired.stderr.startswith("error: session_expired")
    demo.json("login", "card-carl", "--auto")
    assert demo.json("logout")["state"] == "logged_out"
    assert demo.sls("whoami").exit_code == 2  # nothing kept any more: says to log in


def test_a_reused_totp_step_is_explained(demo: Demo) -> None:
    demo.ok("clock", "--set-at", "2031-01-01T00:00:00Z")  # the start of a time step: 30 s to spare
    assert demo.json("login", "totp-tom", "--auto")["state"] == "authenticated"
    again = demo.sls("login", "totp-tom", "--auto")
    assert again.exit_code == 1
    assert "used already" in again.stderr and "sls clock --advance 30s" in again.stderr
    demo.ok("clock", "--advance", "30s")
    assert demo.json("login", "totp-tom", "--auto")["state"] == "authenticated"


def test_a_code_hint_names_the_phone_of_a_user_not_in_the_demo_world(demo: Demo) -> None:
    """A user of your own is not in demo.json: the hint asks the server for the number, so the command it
    prints is one to copy (it said `sls phone inbox <number>`)."""
    made = demo.admin(
        "POST",
        "/admin/v1/users",
        {"username": "frank", "password": "quartz-meadow-4", "phone": "+15555550153"},
    )
    assert made.status_code == 201, made.text
    started = demo.ok("login", "frank", "--password", "quartz-meadow-4", "--start-only")
    assert "by sms: sls phone inbox +15555550153" in started.stderr
    switched = demo.ok("switch", "voice")
    assert "by voice: sls phone calls +15555550153" in switched.stderr


def test_the_prompt_offers_to_switch_only_to_factors_the_login_has(demo: Demo) -> None:
    """The prompt said "Answer (or sms, voice, dscplus... to switch)" to every user; card-carl, who has only
    his card, typed sms as offered, and the server's refusal ended the command."""
    carl = demo.user("card-carl")
    result = demo.sls("login", "card-carl", input=f"{carl['password']}\nsms\n\n")
    assert result.exit_code == 0, result.output  # told, asked again, then Enter: the card's answer
    assert "card-carl has no sms to switch to" in result.stderr
    assert "Answer: " in result.stderr and "(or" not in result.stderr
    sam = demo.user("sms-sam")
    asked = demo.sls("login", "sms-sam", input=f"{sam['password']}\n")
    assert "Answer (or sms, voice to switch): " in asked.stderr, asked.output


def test_change_password_after_a_step_up_from_the_prompts(demo: Demo) -> None:
    old, new = demo.user("card-carl")["password"], "violet-harbour-lantern-42"
    demo.json("login", "card-carl", "--auto")
    refused = demo.sls("change-password", "--current", old, "--new", new)
    assert refused.exit_code == 1
    assert "reauth_required" in refused.stderr and "sls stepup --purpose change_security" in refused.stderr
    assert demo.json("stepup", "--purpose", "change_security", "--auto")["state"] == "verified"
    wrong = demo.sls("change-password", "--current", "not-carls-password-1", "--new", new)
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: wrong_password")
    assert "not-carls-password-1" not in wrong.output
    mistyped = demo.sls("change-password", "--json", input=f"{old}\n{new}\n{new}x\n")  # no second match
    assert mistyped.exit_code != 0 and "do not match" in mistyped.stderr.lower()
    changed = demo.sls("change-password", "--json", input=f"{old}\n{new}\n{new}\n")
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout) == {
        "state": "changed",
        "username": "card-carl",
        "sessions_ended": [],
        "logins_ended": 0,
    }
    assert new not in changed.output and old not in changed.output  # prompts hide what is typed
    assert "demo.json now holds card-carl's new password" in changed.stderr
    assert demo.sls("login", "card-carl", "--password", old, "--start-only").exit_code == 1
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"  # demo.json has the new one
    assert new in demo.ok("world").stdout and old not in demo.ok("world").stdout


def test_restore_demo_puts_the_demo_world_s_password_and_number_back_in_demo_json(demo: Demo) -> None:
    """docs/trainers.md: between two runs, `sls state restore-demo` puts the world back "so the passwords,
    PINs and keys printed work again". A password or number a CLI command had changed stayed in demo.json,
    so `sls world` printed one the restored server refused, and `sls login card-carl --auto` was
    `invalid_credentials`. `sls state keep-demo` makes the values demo.json holds the kept world's."""
    seeded = dict(demo.user("card-carl"))
    demo.ok("state", "keep-demo")
    demo.json("login", "card-carl", "--auto")
    demo.json("stepup", "--purpose", "change_security", "--auto")
    demo.ok("change-password", "--current", seeded["password"], "--new", "violet-harbour-lantern-42")
    demo.ok("user", "phone", "card-carl", "+15555550190")
    restored = demo.ok("state", "restore-demo")
    assert "demo.json holds the demo world's passwords and numbers again (card-carl)" in restored.stderr
    world = demo.json("world")
    assert {k: world["users"]["card-carl"][k] for k in ("password", "phone")} == {
        k: seeded[k] for k in ("password", "phone")
    }
    assert "violet-harbour-lantern-42" not in json.dumps(world)
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"
    # kept after a change: the changed password is the demo world's, and restore-demo keeps it
    demo.json("stepup", "--purpose", "change_security", "--auto")
    demo.ok("change-password", "--current", seeded["password"], "--new", "violet-harbour-lantern-42")
    demo.ok("state", "keep-demo")
    assert "demo world's passwords" not in demo.ok("state", "restore-demo").stderr
    assert demo.json("world")["users"]["card-carl"]["password"] == "violet-harbour-lantern-42"
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"


def test_user_password_resets_it_and_auto_logins_go_on(demo: Demo) -> None:
    old, new = demo.user("sms-sam")["password"], "violet harbour lantern 42"
    assert demo.json("login", "sms-sam", "--auto")["state"] == "authenticated"
    weak = demo.sls("user", "password", "sms-sam", "--password", "password123!")
    assert weak.exit_code == 1 and weak.stderr.startswith("error: weak_password")
    reset = demo.sls("user", "password", "sms-sam", "--json", input=f"{new}\n{new}\n")
    assert reset.exit_code == 0, reset.output
    assert json.loads(reset.stdout) == {"username": "sms-sam", "sessions_ended": 1, "logins_ended": 0}
    assert new not in reset.output  # the prompts hide what is typed
    assert demo.sls("login", "sms-sam", "--password", old, "--start-only").exit_code == 1
    assert demo.json("login", "sms-sam", "--auto")["state"] == "authenticated"
    assert "'violet harbour lantern 42'" in demo.ok("world").stdout  # quoted, in the commands to copy


def test_my_allowlist_shows_then_sets_after_a_step_up_and_clears(demo: Demo) -> None:
    demo.json("login", "card-carl", "--auto")
    seen = demo.json("my-allowlist")
    assert seen["ip_allowlist"] == [] and seen["your_address"] == "127.0.0.1"
    shown = demo.ok("my-allowlist")
    assert "IP Restrictions off" in shown.stdout and "127.0.0.1" in shown.stderr
    refused = demo.sls("my-allowlist", "127.0.0.1")
    assert refused.exit_code == 1 and "sls stepup --purpose change_security" in refused.stderr
    demo.json("stepup", "--purpose", "change_security", "--auto")
    shut_out = demo.sls("my-allowlist", "198.51.100.0/24")
    assert shut_out.exit_code == 1 and "must include the address you are using now" in shut_out.stderr
    set_ = demo.json("my-allowlist", "127.0.0.1", "198.51.100.7/24")
    assert set_["ip_allowlist"] == ["127.0.0.1", "198.51.100.0/24"]
    assert "logins only from 2 address(es)" in demo.ok("my-allowlist").stdout
    assert demo.json("my-allowlist", "--clear")["ip_allowlist"] == []
    assert demo.sls("my-allowlist", "--clear", "127.0.0.1").exit_code == 2


def test_recover_password_with_the_card_and_the_app_and_not_with_the_phone_alone(demo: Demo) -> None:
    new = "violet-harbour-lantern-42"
    carl = demo.sls("recover-password", "card-carl", "--auto", "--new", new, "--json")
    assert carl.exit_code == 0, carl.output
    assert json.loads(carl.stdout)["state"] == "changed"
    assert demo.json("login", "card-carl", "--auto")["state"] == "authenticated"  # demo.json has the new one
    ann = demo.sls("recover-password", "android-ann", "--auto", "--json", input=f"{new}\n{new}\n")
    assert ann.exit_code == 0, ann.output  # the app's approval, then the prompts
    sam = demo.sls("recover-password", "sms-sam", "--auto", "--new", new)
    assert sam.exit_code == 1 and sam.stderr.startswith("error: client_services_required")


def test_recover_password_with_the_apps_challenge_instead_of_the_push(demo: Demo) -> None:
    """The broker's "IB Key Use Without Notifications", from the command line as `sls switch ibkey
    --challenge` and `sls stepup --challenge` have it: the recovery's push exchanged for the Challenge Code,
    which --auto answers through the app."""
    new = "violet-harbour-lantern-43"
    ann = demo.sls("recover-password", "android-ann", "--auto", "--challenge", "--new", new, "--json")
    assert ann.exit_code == 0, ann.output
    assert json.loads(ann.stdout)["state"] == "changed"
    assert demo.json("events", "--user", "android-ann", "--type", "push.approved")["events"] == []
    verified = demo.json("events", "--user", "android-ann", "--type", "password_recovery.verified")["events"]
    assert [e["factor"] for e in verified] == ["ibkey"]
    carl = demo.sls("recover-password", "card-carl", "--auto", "--challenge", "--new", new)
    assert carl.exit_code == 2 and "--challenge" in carl.stderr  # a card has no Challenge/Response mode

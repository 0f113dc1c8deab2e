"""``sls attack``'s phished password: a demo user's is demo.json's on the demo's server, as the trainer
staging a relay already has it printed; anyone else's (or on another server) is still asked for.

It used to be asked for every time, even for card-carl on the running demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e
PASSWORD = "plum-sketch-harbour-9"


def test_a_demo_user_is_attacked_with_demo_json_password(demo: Demo) -> None:
    """No --password and nobody to ask (no input): the relay runs from demo.json's password, says so on
    stderr, and never prints it."""
    relayed = demo.sls("attack", "phishing-relay", "card-carl", "--json")
    assert relayed.exit_code == 0, relayed.output
    report = json.loads(relayed.stdout)
    assert report["verdict"] != "not_run" and report["target"] == "card-carl", report
    assert "card-carl's password, as if phished: demo.json's" in relayed.stderr
    assert demo.user("card-carl")["password"] not in relayed.output


def test_a_password_given_is_the_one_tried(demo: Demo) -> None:
    """--password still wins: a wrong one is the attack that could not run, a failure (exit 1) saying why,
    not exit 0 as if the defences had held."""
    wrong = demo.sls("attack", "phishing-relay", "card-carl", "--password", "not-her-password-1", "--json")
    assert wrong.exit_code == 1 and wrong.stdout == "", wrong.output
    error = json.loads(wrong.stderr.splitlines()[-1])["error"]
    assert error["code"] == "not_run" and "not card-carl's password" in error["message"]
    assert error["details"]["report"]["verdict"] == "not_run"
    told = demo.sls("attack", "phishing-relay", "card-carl", "--password", "not-her-password-1")
    assert told.exit_code == 1 and told.stderr.startswith("error: the attack could not run: ")


def test_push_bombing_a_user_without_ib_key_is_refused(demo: Demo) -> None:
    """It made ~22 password logins on card-carl, spending card challenges, and said "The defences held."."""
    refused = demo.sls("attack", "push-bombing", "card-carl")
    assert refused.exit_code == 1, refused.output
    last = refused.stderr.splitlines()[-1]
    assert (
        last.startswith("error: invalid_request: card-carl has no active IB Key") and "field=username" in last
    )
    assert demo.json("events", "--user", "card-carl", "--type", "login.password_ok")["events"] == []


def test_anyone_else_is_asked_for(demo: Demo) -> None:
    """A user demo.json does not know is asked for (hidden); with nobody to answer, a usage error."""
    demo.ok("user", "add", "alice", "--password", PASSWORD, "--phone", "+15555550150")
    unasked = demo.sls("attack", "sim-swap", "alice")
    assert unasked.exit_code == 2 and "--password" in unasked.stderr
    asked = demo.sls("attack", "sim-swap", "alice", "--json", input=PASSWORD + "\n")
    assert asked.exit_code == 0 and "alice's password (as if phished)" in asked.stderr, asked.output
    assert json.loads(asked.stdout)["verdict"] != "not_run"


def test_on_another_server_a_demo_name_is_asked_for(demo: Demo) -> None:
    """card-carl on a server demo.json does not describe is another account: its password is not known."""
    elsewhere = demo.sls("attack", "phishing-relay", "card-carl", "--url", "http://127.0.0.1:9")
    assert elsewhere.exit_code == 2 and "--password" in elsewhere.stderr
    assert "demo.json's" not in elsewhere.stderr


def test_what_the_help_says_puts_a_sim_swapped_ib_key_back_does(demo: Demo, tmp_path: Path) -> None:
    """The help promised `sls user unlock`, `--restore-sim` and `sls wipe` undo a SIM swap; an IB Key the swap
    migrated to the attacker's handset stayed there. The state exported before is what puts it back."""
    from sls_server.cli.attack_cmd import attack

    assert "sls state import before.json --replace" in (attack.help or "")
    saved = tmp_path / "before.json"
    demo.ok("state", "export", "-o", str(saved))
    swapped = demo.json("attack", "sim-swap", "android-ann")
    assert swapped["attacker_succeeded"] is True, swapped
    demo.ok("state", "import", str(saved), "--replace")
    assert demo.json("login", "android-ann", "--auto")["state"] == "authenticated"


def test_push_bombing_a_victim_a_brute_force_left_locked_could_not_run(demo: Demo) -> None:
    """It ran, counted ~22 refusals (423 account_locked) and said "The defences held." (exit 0). Now the
    attack that could not run: exit 1, saying the lock came before and how to lift it."""
    assert demo.json("attack", "brute-force", "android-ann")["verdict"] == "defences_held"
    bombed = demo.sls("attack", "push-bombing", "android-ann")
    assert bombed.exit_code == 1 and bombed.stdout == "", bombed.output
    assert "error: the attack could not run: android-ann's account was locked" in bombed.stderr
    assert "sls user unlock android-ann" in bombed.stderr
    demo.ok("user", "unlock", "android-ann")
    assert demo.json("attack", "push-bombing", "android-ann", "--no-wait")["verdict"] == "defences_held"


def test_auto_login_after_a_sim_swap_moved_the_ib_key_says_so_and_how_to_put_it_back(demo: Demo) -> None:
    """It said "how the IB Key app is unlocked is not in demo.json", as if a PIN were missing: the IB Key the
    login asks for is the one the swap migrated to the attacker's handset, which demo.json never described."""
    assert demo.json("attack", "sim-swap", "android-ann")["attacker_succeeded"] is True
    old = next(d for d in demo.user("android-ann")["devices"] if d["type"] == "ibkey")["device_id"]
    login = demo.sls("login", "android-ann", "--auto")
    assert login.exit_code == 2, login.output
    said = login.stderr
    assert "not in demo.json" not in said, said
    assert "android-ann's active IB Key (ibkey-" in said and f"demo.json describes ({old}, now " in said
    assert "migrated to the attacker's handset by a SIM swap" in said, said
    assert "sls state import FILE --replace" in said and "sls device enroll android-ann --type ibkey" in said

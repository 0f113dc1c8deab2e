"""``sls world`` checks every demo user's password against the server (``GET /admin/v1/users``'s
``password_versions``, one call), not only the ones a CLI command replaced: a password set by the console's
users table, by a staged attack or through the admin API, with no CLI change before it, never reached
demo.json, and ``sls world`` printed one the server refused, ``--auto`` logging in with it, without a word.
Now it says the password is not known here, until the demo world is back and its password with it."""

from __future__ import annotations

import json

import pytest
from cli_world import (
    Demo,
    console_restores,
    console_sets_password,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e

CHANGED = "password_changed_on_server"
ELSEWHERE = "cobalt-meadow-7-x"


def _entry(demo: Demo, username: str) -> tuple[dict[str, object], str]:
    """``username``'s entry as `sls world --json` shows it, and what it said on stderr."""
    shown = demo.ok("world", "--json")
    return json.loads(shown.stdout)["users"][username], shown.stderr


def _says_unknown(demo: Demo, username: str, stale: str) -> None:
    """The table and --json say the password is not known here, and print neither it nor the stale one."""
    entry, said = _entry(demo, username)
    assert entry["password"] is None and entry[CHANGED] is True, entry
    assert username in said and "changed on the server" in said and "restore-demo" in said, said
    table = demo.ok("world")
    row = next(line for line in table.stdout.splitlines() if username in line and "+1555" in line)
    assert "changed on the server" in row and stale not in row, row
    assert stale not in table.stdout and ELSEWHERE not in table.stdout + table.stderr
    refused = demo.sls("login", username, "--auto")
    assert refused.exit_code != 0
    assert "changed on the server" in refused.stderr and "restore-demo" in refused.stderr, refused.stderr


def _shows_the_demo_s(demo: Demo, username: str) -> None:
    entry, said = _entry(demo, username)
    assert entry["password"] == demo.user(username)["password"] and CHANGED not in entry, entry
    assert "changed on the server" not in said
    assert demo.sls("login", username, "--auto", "--json").exit_code == 0


def test_a_password_set_in_the_console_s_users_table_is_said_until_the_console_restores(demo: Demo) -> None:
    demo.ok("state", "keep-demo")
    console_sets_password(demo, "card-carl", ELSEWHERE)
    _says_unknown(demo, "card-carl", demo.user("card-carl")["password"])
    console_restores(demo)
    _shows_the_demo_s(demo, "card-carl")


def test_a_password_reset_through_the_admin_api_is_said_until_restore_demo(demo: Demo) -> None:
    demo.ok("state", "keep-demo")
    reset = demo.admin("PUT", "/admin/v1/users/totp-tom/password", {"password": ELSEWHERE})
    assert reset.status_code == 200, reset.text
    _says_unknown(demo, "totp-tom", demo.user("totp-tom")["password"])
    entry, _ = _entry(demo, "card-carl")  # the others untouched
    assert entry["password"] == demo.user("card-carl")["password"] and CHANGED not in entry
    demo.ok("state", "restore-demo")
    _shows_the_demo_s(demo, "totp-tom")


def test_a_staged_sim_swap_reset_is_said(demo: Demo) -> None:
    """A SIM swap moves android-ann's IB Key to the attacker's handset (her password phished: demo.json's),
    then the swap against "Forgot your password?" sets a password of the attacker's own."""
    demo.ok("state", "keep-demo")
    demo.json("attack", "sim-swap", "android-ann")
    report = demo.json("attack", "sim-swap-reset", "android-ann")
    assert report["outcomes"]["password_reset"] == 1, report
    _says_unknown(demo, "android-ann", demo.user("android-ann")["password"])
    console_restores(demo)
    _shows_the_demo_s(demo, "android-ann")


def test_a_console_change_after_a_cli_one_is_said_too(demo: Demo) -> None:
    """Set by sls (demo.json records it), then in the console: neither demo.json's nor the kept one."""
    demo.ok("state", "keep-demo")
    demo.ok("user", "password", "card-carl", "--password", "violet-harbour-lantern-42")
    console_sets_password(demo, "card-carl", ELSEWHERE)
    _says_unknown(demo, "card-carl", "violet-harbour-lantern-42")
    console_restores(demo)
    _shows_the_demo_s(demo, "card-carl")


def test_login_and_attack_say_only_the_user_at_hand_s_change(demo: Demo) -> None:
    """QA: ``sls login card-carl --auto`` and ``sls attack phishing-relay card-carl`` printed the "changed
    on the server" note for every demo user changed, though only card-carl's password was at hand; `sls
    world`, which shows them all, still names each."""
    demo.ok("state", "keep-demo")
    for username in ("totp-tom", "android-ann"):
        reset = demo.admin("PUT", f"/admin/v1/users/{username}/password", {"password": ELSEWHERE})
        assert reset.status_code == 200, reset.text
    login = demo.sls("login", "card-carl", "--auto", "--json")
    assert login.exit_code == 0 and "changed on the server" not in login.stderr, login.stderr
    attack = demo.sls("attack", "phishing-relay", "card-carl", "--json")
    assert attack.exit_code == 0 and "changed on the server" not in attack.stderr, attack.stderr
    refused = demo.sls("login", "totp-tom", "--auto")
    assert refused.exit_code != 0 and "totp-tom" in refused.stderr, refused.stderr
    assert "android-ann" not in refused.stderr, refused.stderr
    listed = demo.ok("world").stderr
    assert "totp-tom" in listed and "android-ann" in listed and "changed on the server" in listed, listed


def test_try_this_gives_a_password_where_auto_would_find_none(demo: Demo) -> None:
    """QA: with sms-sam's password changed on the server, "Try this" still began the SIM swap flow with `sls
    login sms-sam --auto`, which `sls login` refuses then; now the line asks for the password, as the flow's
    other lines do, and still answers the text by itself. The other users' lines are as they were."""
    demo.ok("state", "keep-demo")
    reset = demo.admin("PUT", "/admin/v1/users/sms-sam/password", {"password": ELSEWHERE})
    assert reset.status_code == 200, reset.text
    commands = [c for flow in demo.json("world", "--json")["try"] for c in flow["commands"]]
    assert "sls login sms-sam --auto" not in commands, commands
    assert "sls login sms-sam --password <password> --auto" in commands, commands
    assert f"sls login card-carl --password {demo.user('card-carl')['password']}" in commands, commands
    printed = demo.ok("world").stdout
    assert "sls login sms-sam --password <password> --auto" in printed, printed
    assert "sls login sms-sam --auto" not in printed, printed
    pasted = demo.sls("login", "sms-sam", "--password", ELSEWHERE, "--auto", "--json")
    assert pasted.exit_code == 0, pasted.stderr
    demo.ok("state", "restore-demo")
    commands = [c for flow in demo.json("world", "--json")["try"] for c in flow["commands"]]
    assert "sls login sms-sam --auto" in commands, "the demo world's password is known again"

"""``sls world`` shows the phone number the server holds, from the same one call that gives every password's
version (``GET /admin/v1/users``'s ``phones``): a number changed outside sls (the admin API, the console's
users table) with no CLI change before it never reached demo.json, and ``sls world`` went on printing the
old one. And a server too old to list password versions is said to be one, once, instead of `sls world`
falling back without a word."""

from __future__ import annotations

import json

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)
from served_kit import json_over_http

from sls_server.cli import demofile

pytestmark = pytest.mark.e2e

CHANGED = "phone_changed_on_server"
ELSEWHERE = "+15555550177"
BY_CLI = "+15555550190"


def _moved_outside(demo: Demo, username: str, number: str = ELSEWHERE) -> None:
    moved = demo.admin("PUT", f"/admin/v1/users/{username}/phone", {"phone": number})
    assert moved.status_code == 200, moved.text


def _shows_the_server_s(demo: Demo, username: str, stale: str) -> None:
    """--json and the table give the server's number, flagged, and stderr says it changed (without the
    numbers' being needed to read it)."""
    shown = demo.ok("world", "--json")
    entry = json.loads(shown.stdout)["users"][username]
    assert entry["phone"] == ELSEWHERE and entry[CHANGED] is True, entry
    said = [line for line in shown.stderr.splitlines() if "number" in line and username in line]
    assert len(said) == 1 and "changed on the server" in said[0], shown.stderr
    table = demo.ok("world").stdout
    assert ELSEWHERE in table and stale not in table, table


def test_a_number_changed_through_the_admin_api_is_the_one_shown(demo: Demo) -> None:
    seeded = demo.user("sms-sam")["phone"]
    demo.ok("state", "keep-demo")
    _moved_outside(demo, "sms-sam")
    _shows_the_server_s(demo, "sms-sam", seeded)
    other = demo.json("world")["users"]["card-carl"]
    assert other["phone"] == demo.user("card-carl")["phone"] and CHANGED not in other
    assert (demofile.read(demo.data_dir) or {})["users"]["sms-sam"]["phone"] == seeded  # a view, not a write
    demo.ok("state", "restore-demo")
    back = demo.ok("world", "--json")
    entry = json.loads(back.stdout)["users"]["sms-sam"]
    assert entry["phone"] == seeded and CHANGED not in entry, entry
    assert "number" not in back.stderr, back.stderr


def test_a_number_changed_outside_after_a_cli_change_is_the_one_shown(demo: Demo) -> None:
    """Set by sls (demo.json records it), then through the admin API: neither demo.json's nor the kept
    one, which `sls world` said only as "set it again with sls to record it", printing the CLI's."""
    demo.ok("state", "keep-demo")
    demo.ok("user", "phone", "sms-sam", BY_CLI)
    _moved_outside(demo, "sms-sam")
    _shows_the_server_s(demo, "sms-sam", BY_CLI)


def test_the_try_commands_spell_the_server_s_number(demo: Demo) -> None:
    seeded = demo.user("sms-sam")["phone"]
    assert seeded in str(demo.info["try"])
    _moved_outside(demo, "sms-sam")
    flows = str(demo.json("world")["try"])
    assert seeded not in flows and ELSEWHERE in flows


def test_a_server_that_lists_no_versions_is_said_once(demo: Demo) -> None:
    """A server older than `password_version`: `GET /admin/v1/users` gives the names alone. `sls world` went
    on printing demo.json's passwords without a word that none could be checked."""
    with json_over_http({"users": list(demo.info["users"])}) as old:
        demofile.write(demo.data_dir, {**demo.info, "url": old})
        shown = demo.ok("world", "--json")
    said = [line for line in shown.stderr.splitlines() if "cannot tell" in line]
    assert len(said) == 1, shown.stderr
    assert "password" in said[0] and old in said[0], said
    users = json.loads(shown.stdout)["users"]
    assert users["card-carl"]["password"] == demo.user("card-carl")["password"]  # carried on

"""The phone a code goes to, as ``--auto`` finds it: the user's number *now* (a number changed since ``sls
demo`` wrote demo.json, by an admin or by the user), and what is said when there is none to find.

It read demo.json's number alone, so after a change ``sls login sms-sam --auto`` blamed the carrier for a
code that sat in the new number's inbox; an unknown user, or one without a phone, was "not in demo.json, and
no admin token to ask the server" although the server had been asked."""

from __future__ import annotations

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e
NEW = "+15555550177"


def test_auto_reads_the_code_off_the_number_the_server_has_now(demo: Demo) -> None:
    """Changed behind the CLI's back (the admin API): demo.json still says the old number."""
    assert demo.admin("PUT", "/admin/v1/users/sms-sam/phone", {"phone": NEW}).status_code == 200
    result = demo.json("login", "sms-sam", "--auto")
    assert result["state"] == "authenticated"
    assert demo.json("phone", "inbox", NEW)["messages"][0]["purpose"] == "login"


def test_sls_user_phone_writes_the_new_number_into_demo_json(demo: Demo) -> None:
    old = demo.user("sms-sam")["phone"]
    changed = demo.sls("user", "phone", "sms-sam", NEW)
    assert changed.exit_code == 0, changed.output
    assert "demo.json now holds sms-sam's new number" in changed.stderr
    world = demo.json("world")
    assert world["users"]["sms-sam"]["phone"] == NEW
    assert old not in str(world["try"]) and NEW in str(world["try"])  # the commands to copy follow it


def test_sls_change_phone_writes_the_new_number_into_demo_json(demo: Demo) -> None:
    demo.ok("login", "sms-sam", "--auto")
    demo.ok("stepup", "--purpose", "change_contact", "--auto")
    changed = demo.sls("change-phone", NEW, "--auto")
    assert changed.exit_code == 0, changed.output
    assert demo.json("world")["users"]["sms-sam"]["phone"] == NEW
    assert demo.json("login", "sms-sam", "--auto")["state"] == "authenticated"


def test_an_unknown_user_is_said_to_be_unknown_not_missing_from_demo_json(demo: Demo) -> None:
    told = demo.sls("recover-password", "nobody", "--auto", "--new", "violet-harbour-lantern-42")
    assert told.exit_code == 1, told.output
    assert "nobody is no user of" in told.stderr and "demo.json" not in told.stderr


def test_a_user_without_a_phone_is_said_to_have_none(demo: Demo) -> None:
    demo.ok("user", "add", "nophone-nina", "--password", "plum-sketch-harbour-9")
    demo.ok("device", "enroll", "nophone-nina", "--type", "totp")
    told = demo.sls("recover-password", "nophone-nina", "--auto", "--new", "violet-harbour-lantern-42")
    assert told.exit_code == 1, told.output
    assert "nophone-nina has no phone number on the server" in told.stderr, told.stderr
    assert "demo.json" not in told.stderr

"""A user's name given to ``sls phone`` where a number was meant: any name is a handset (``attacker``), so
``sls phone conditions sms-sam --carrier-blocks-sms`` changed an empty handset nobody holds, while the trainer
took Sam's texts for blocked. A note now names the user's phone; a number, or a name no user has, is as
before."""

from __future__ import annotations

import pytest
from cli_world import Demo, seeded_demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.e2e


def test_a_user_s_name_as_a_handset_is_said_to_be_one_with_the_user_s_phone_named(demo: Demo) -> None:
    phone = demo.user("sms-sam")["phone"]
    told = f"sms-sam's phone is {phone}"
    for command in (
        ("conditions", "sms-sam", "--carrier-blocks-sms"),
        ("inbox", "sms-sam"),
        ("calls", "sms-sam"),
    ):
        result = demo.ok("phone", *command)
        assert told in " ".join(result.stderr.split()), (command, result.stderr)
    assert demo.json("phone", "conditions", phone)["carrier_blocks_sms"] is False  # Sam's own phone untouched


def test_a_number_or_a_name_no_user_has_gets_no_such_note(demo: Demo) -> None:
    phone = demo.user("sms-sam")["phone"]
    for handset in (phone, "attacker"):
        result = demo.ok("phone", "inbox", handset)
        assert "phone is" not in result.stderr, (handset, result.stderr)

"""``sls switch ibkey --challenge`` and ``sls stepup --challenge``: IB Key's Challenge/Response method asked
for while the phone does get notifications ("IB Key Use Without Notifications", and the broker's "verify your
identity" procedure, whose Challenge Code goes into IBKR Mobile), against the demo world on a real server."""

from __future__ import annotations

import pytest
from cli_world import (
    Demo,
    seeded_demo,  # noqa: F401 (the fixture demo)
)

pytestmark = pytest.mark.e2e


def test_challenge_response_instead_of_the_push_for_a_login_and_a_step_up(demo: Demo) -> None:
    ann = demo.user("android-ann")
    started = demo.json("login", "android-ann", "--password", ann["password"], "--start-only")
    assert started["factor"]["mode"] == "push"
    switched = demo.json("switch", "ibkey", "--challenge")
    assert switched["factor"]["mode"] == "challenge" and switched["factor"]["reason"] == "requested"
    assert demo.json("answer", "--auto")["state"] == "authenticated"

    opened = demo.json("stepup", "--purpose", "withdrawal", "--challenge", "--start-only")
    assert opened["factor"]["type"] == "ibkey" and opened["factor"]["mode"] == "challenge"
    assert demo.json("answer", "--auto")["state"] == "verified"

    refused = demo.sls("switch", "sms", "--challenge")
    assert refused.exit_code == 2 and "--challenge" in refused.stderr

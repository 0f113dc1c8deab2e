"""A model-based test of the login policy: Hypothesis drives the real app (the Flask test client on the
session's real redis-server) with random sequences of right and wrong passwords, right and wrong card
responses (the device model's), texted codes (read from the simulated phone; a new text or a voice callback
asked for, the code before typed too) or an IB Key's push (approved, denied, a wrong number picked, left to
expire, collected by the login's poll) and Challenge/Response (asked for at any point of a login), the app
unlocked with an Android PIN or an iPhone's passcode or Face ID (wrong ones, the app's own lock), IB Key
activated again on a new phone (its activation refused or not, a login or step-up waiting on the old one), the
phone roaming (no push, answers offline, texts lost), step-ups for a withdrawal and withdrawals, answers to
logins that are no more, session use, tickle and logout, the admin's unlocks, IP allowlist changes and moves
of the clock across the lockout's waits, the challenge's and the login's expiry and the session's idle and
absolute limits; after every step the app's answer (status, error code, ``retry_after``, ``attempts_left``,
``ended_by``, a poll's ``state`` and ``reason``, the instants a session ends) must be what
``login_model.Model``, written from the documents alone, predicts. A disagreement is a bug in the app or a gap
in the documents.

CI runs a few derandomised examples of each variant (about 5 s of CPU in all). To hunt, run it long and
random: ``MODEL_EXAMPLES=2000 MODEL_STEPS=60 pytest -n 0 --timeout=0 -s`` on this file (``-s``
prints which answers the sequences met; ``MODEL_SHRINK=0`` reports a failure at once, unshrunk).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis.stateful import run_state_machine_as_test
from login_model import ABSOLUTE_TIMEOUT, CHALLENGE_ISSUE_LIMIT, SMS_SEND_LIMIT
from model_login_rules import LoginRules
from model_machine import PROFILE, SEEN
from model_stepup_rules import StepUpRules
from model_world_rules import WorldRules

from sls_server import create_app


class LoginPolicy(LoginRules, StepUpRules, WorldRules):
    """One user with one second factor (a DSC+ card, SMS, or an IB Key on Android or an iPhone), her logins,
    sessions and step-ups, against the model: every topic's rules in one machine (``model_machine``)."""


@pytest.mark.parametrize(
    ("factor", "throttle_limit", "lifetime", "device_limit", "shares"),
    [
        ("dscplus", 1_000_000, ABSOLUTE_TIMEOUT, 10, (3, 4)),
        ("dscplus", 7, ABSOLUTE_TIMEOUT, 10, (3, 3)),
        ("dscplus", 1_000_000, 1500, 4, (5, 1)),
        ("sms", 1_000_000, ABSOLUTE_TIMEOUT, 4, (4, 1)),
        ("ibkey", 1_000_000, ABSOLUTE_TIMEOUT, 4, (4, 2)),
        ("ibkey-ios", 1_000_000, ABSOLUTE_TIMEOUT, 10, (5, 3)),
    ],
    ids=["account", "address-throttle", "short-limits", "sms", "ibkey", "ibkey-ios"],
)
def test_the_login_policy_is_the_documented_one(
    app_config: dict[str, Any],
    factor: str,
    throttle_limit: int,
    lifetime: int,
    device_limit: int,
    shares: tuple[int, int],
) -> None:
    """Default settings, with the address throttle out of reach (the account's policy alone); then low
    enough that the sequences meet it beside the lockout; then a session lifetime and a card's limit of
    wrong responses short enough that the sequences meet them too; then a user whose factor is her phone; then
    one whose factor is an IB Key (pushes, and Challenge/Response past the push limit); then one whose IB
    Key is on an iPhone (its passcode, Face ID set up and removed)."""
    settings = {
        "IP_THROTTLE_LIMIT": throttle_limit,
        "ABSOLUTE_TIMEOUT": lifetime,
        "DEVICE_FAILURE_LIMIT": device_limit,
    }
    app = create_app({**app_config, **settings})
    LoginPolicy.client = app.test_client(use_cookies=False)
    LoginPolicy.shares = shares
    LoginPolicy.factor = factor
    LoginPolicy.limits = {
        "throttle_limit": throttle_limit,
        "absolute_timeout": lifetime,
        "device_limit": device_limit,
        "issue_limit": SMS_SEND_LIMIT if factor == "sms" else CHALLENGE_ISSUE_LIMIT,
    }
    SEEN.clear()
    try:
        run_state_machine_as_test(LoginPolicy, settings=PROFILE)
        # the rules assert each answer against the model; this, that they ran: passwords were answered
        assert any(step == "password" for step, _, _ in SEEN), sorted(SEEN)
    finally:
        if "MODEL_EXAMPLES" in os.environ:
            print(
                *(f"{n:6d} {step} {status} {error}" for (step, status, error), n in sorted(SEEN.items())),
                sep="\n",
            )

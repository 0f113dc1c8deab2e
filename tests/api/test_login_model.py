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
from login_model import (
    ABSOLUTE_TIMEOUT,
    CHALLENGE_ISSUE_LIMIT,
    DEVICE_FAILURE_LIMIT,
    LOCKOUT_THRESHOLD,
    SMS_SEND_LIMIT,
)
from model_login_rules import LoginRules
from model_machine import PROFILE, SEEN
from model_stepup_rules import StepUpRules
from model_world_rules import WorldRules

from sls_server import create_app


class LoginPolicy(LoginRules, StepUpRules, WorldRules):
    """One user with one second factor (a DSC+ card, SMS, or an IB Key on Android or an iPhone), her logins,
    sessions and step-ups, against the model: every topic's rules in one machine (``model_machine``)."""


#: What a hunt's sequences must reach in each variant, by step, status and error or state (``*``: any;
#: ``old_ibkey_after_<error>``: what the IB Key she holds answered after a new one's activation was refused,
#: ``ModelMachine.old_ibkey``).
#: CI's few derandomised examples are too short to meet them: ``test_model_reach.py`` walks to each in a
#: fixed sequence instead, and a hunt (``MODEL_EXAMPLES`` set) fails when its random ones never got there.
TARGETS: dict[str, set[tuple[str, int, str | None]]] = {
    "sms": {("resend", 429, "rate_limited")},
    "sms-resends": {("resend", 429, "login_exhausted"), ("verify", 429, "login_exhausted")},
    "ibkey-refused": {
        ("activate", 423, "account_locked"),
        ("activate", 429, "rate_limited"),
        ("old_ibkey_after_account_locked", 200, "*"),
        ("old_ibkey_after_rate_limited", 200, "*"),
    },
}


#: A variant whose few derandomised examples in CI would add seconds and reach little that
#: ``test_model_reach.py`` does not walk to: run by a hunt only.
HUNT_ONLY = pytest.mark.skipif("MODEL_EXAMPLES" not in os.environ, reason="a hunt's variant (MODEL_EXAMPLES)")


def reached(target: tuple[str, int, str | None]) -> bool:
    """Whether the run's answers (:data:`SEEN`) met ``target``."""
    step, status, told = target
    return any((s, n) == (step, status) and told in ("*", t) for s, n, t in SEEN)


def configure(
    app_config: dict[str, Any], factor: str, settings: dict[str, int], shares: tuple[int, int]
) -> None:
    """Makes the app with ``settings`` (the address throttle out of reach unless they name it) and gives
    :class:`LoginPolicy` the same limits for its model, the factor and the shares of right answers."""
    settings = {"IP_THROTTLE_LIMIT": 1_000_000, **settings}
    app = create_app({**app_config, **settings})
    LoginPolicy.client = app.test_client(use_cookies=False)
    LoginPolicy.shares = shares
    LoginPolicy.factor = factor
    issue_limit = SMS_SEND_LIMIT if factor == "sms" else CHALLENGE_ISSUE_LIMIT
    LoginPolicy.limits = {
        "throttle_limit": settings["IP_THROTTLE_LIMIT"],
        "absolute_timeout": settings.get("ABSOLUTE_TIMEOUT", ABSOLUTE_TIMEOUT),
        "device_limit": settings.get("DEVICE_FAILURE_LIMIT", DEVICE_FAILURE_LIMIT),
        "issue_limit": settings.get("SMS_SEND_LIMIT", issue_limit),
        "lockout_threshold": settings.get("LOCKOUT_THRESHOLD", LOCKOUT_THRESHOLD),
        "permanent_after": settings.get("LOCKOUT_PERMANENT_AFTER", 0),
    }


@pytest.mark.parametrize(
    ("factor", "settings", "shares"),
    [
        ("dscplus", {}, (3, 4)),
        ("dscplus", {"IP_THROTTLE_LIMIT": 7}, (3, 3)),
        ("dscplus", {"ABSOLUTE_TIMEOUT": 1500, "DEVICE_FAILURE_LIMIT": 4}, (5, 1)),
        ("sms", {"DEVICE_FAILURE_LIMIT": 4}, (4, 1)),
        ("sms", {"SMS_SEND_LIMIT": 7}, (5, 1)),
        ("ibkey", {"DEVICE_FAILURE_LIMIT": 4}, (4, 2)),
        pytest.param(
            "ibkey",
            {"LOCKOUT_THRESHOLD": 2, "LOCKOUT_PERMANENT_AFTER": 3, "IP_THROTTLE_LIMIT": 4},
            (3, 2),
            marks=HUNT_ONLY,
        ),
        ("ibkey-ios", {}, (5, 3)),
    ],
    ids=[
        "account",
        "address-throttle",
        "short-limits",
        "sms",
        "sms-resends",
        "ibkey",
        "ibkey-refused",
        "ibkey-ios",
    ],
)
def test_the_login_policy_is_the_documented_one(
    app_config: dict[str, Any],
    request: pytest.FixtureRequest,
    factor: str,
    settings: dict[str, int],
    shares: tuple[int, int],
) -> None:
    """Default settings, with the address throttle out of reach (the account's policy alone); then low
    enough that the sequences meet it beside the lockout; then a session lifetime and a card's limit of
    wrong responses short enough that the sequences meet them too; then a user whose factor is her phone, at
    the default send limit (which refuses a new code before the login's switches run out) and at one that
    leaves the switches to run out first; then one whose factor is an IB Key (pushes, and
    Challenge/Response past the push limit), and (a hunt's only) one with a lockout (its third lock one
    only the admin lifts) and an address throttle low enough that its activation again is refused by each;
    then one whose IB Key is on an iPhone (its passcode, Face ID set up and removed)."""
    configure(app_config, factor, settings, shares)
    variant = request.node.callspec.id
    SEEN.clear()
    try:
        run_state_machine_as_test(LoginPolicy, settings=PROFILE)
        # the rules assert each answer against the model; this, that they ran: passwords were answered
        assert any(step == "password" for step, _, _ in SEEN), sorted(SEEN)
        if "MODEL_EXAMPLES" in os.environ:
            missed = [t for t in TARGETS.get(variant, set()) if not reached(t)]
            assert not missed, missed
    finally:
        if "MODEL_EXAMPLES" in os.environ:
            print(
                *(f"{n:6d} {step} {status} {error}" for (step, status, error), n in sorted(SEEN.items())),
                sep="\n",
            )

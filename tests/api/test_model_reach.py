"""The login model's states no short random run meets, each walked to in a fixed sequence of the machine's own
rules (every answer on the way held to the model, as in a hunt), and the state asserted reached: a login's
new codes ended by its five switches rather than the send limit, and an IB Key activation refused at its
password step (a wrong password, the lock, the address's window), the old IB Key used after it, and a
step-up's push waiting while a lock is placed. CI's
derandomised examples of ``test_login_model.py`` are too short for these; a hunt's must reach them too
(``test_login_model.TARGETS``)."""

from __future__ import annotations

from typing import Any

import pytest
from login_model import PERMANENT
from model_machine import AWAY, HOME, SEEN
from test_login_model import LoginPolicy, configure


def machine(app_config: dict[str, Any], factor: str, settings: dict[str, int]) -> LoginPolicy:
    """A fresh machine's world: the app made with ``settings``, one user with ``factor``."""
    configure(app_config, factor, settings, (6, 6))
    SEEN.clear()
    policy = LoginPolicy()
    policy.world()
    return policy


@pytest.mark.parametrize("limit", [6, 7])
def test_new_codes_end_the_login_at_its_switches_when_the_send_limit_allows_them(
    app_config: dict[str, Any], limit: int
) -> None:
    """Its first text and five new codes (texts and a call) are six sends: at a send limit of six or more
    the sixth new code meets the switches' limit before the send limit, ``429 login_exhausted`` (the
    switch is refused before anything is sent, security.md), and every later step of the login says so."""
    policy = machine(app_config, "sms", {"SMS_SEND_LIMIT": limit})
    policy.password(True, HOME)
    policy.resend_burst(["sms", "voice", "sms", "sms", "voice", "sms", "voice"])
    policy.verify(True, 0)
    policy.verify_old_code()
    assert SEEN[("resend", 200, None)] == 5
    assert SEEN[("resend", 429, "login_exhausted")] == 2
    assert SEEN[("verify", 429, "login_exhausted")] == 1
    assert ("resend", 429, "rate_limited") not in SEEN


def test_the_send_limit_refuses_a_new_code_before_the_switches_run_out(app_config: dict[str, Any]) -> None:
    """At the default send limit (five) the fifth send in the window is the last: a new code past it is
    ``429 rate_limited``, the switch given back and the login going on with the code before; once the
    window's oldest send has left it the next one goes through, the login's switches still counting (the
    sixth is ``login_exhausted``)."""
    policy = machine(app_config, "sms", {})
    policy.password(True, HOME)
    policy.move_clock(200)
    policy.resend("sms")
    policy.move_clock(200)
    policy.resend_burst(
        ["voice", "sms", "sms", "sms"]
    )  # sends at 0, 200 and three at 400: the fourth refused
    assert SEEN[("resend", 429, "rate_limited")] == 1
    policy.move_clock(201)  # the send at 0 leaves the window; the code of 400 lives until 700
    policy.resend_burst(["sms", "voice"])
    policy.verify(True, 0)
    assert SEEN[("resend", 200, None)] == 5
    assert SEEN[("resend", 429, "rate_limited")] == 1
    assert SEEN[("resend", 429, "login_exhausted")] == 1
    assert SEEN[("verify", 429, "login_exhausted")] == 1


def test_an_activation_refused_by_the_lock_or_the_address_window_leaves_the_old_ib_key_working(
    app_config: dict[str, Any],
) -> None:
    """IB Key activated again with a wrong password (``401``, a failed login that helps lock the account),
    while the account is locked (``423 account_locked``) and from an address past its window (``429
    rate_limited``), each at its password step; after each the IB Key she holds is still hers: its push
    approved (the lock judges the poll, not the app's answer), its Challenge/Response answered, a session
    from it; once an activation goes through, it stops."""
    policy = machine(app_config, "ibkey", {"LOCKOUT_THRESHOLD": 2, "IP_THROTTLE_LIMIT": 4})
    old = policy.device_id
    policy.password(True, HOME)
    policy.reactivate(HOME, right=False)  # a wrong password at the activation: a failed login
    assert (policy.refused, policy.device_id) == ("invalid_credentials", old)
    policy.password(False, AWAY)  # the second wrong password in a row locks the account
    policy.reactivate(HOME)
    assert (policy.refused, policy.device_id) == ("account_locked", old)
    policy.answer_push("right")
    policy.poll()  # approved under the lock: refused, the approval waiting
    policy.unlock()
    policy.poll()  # collected: a session from the old IB Key
    for _ in range(3):  # a lock again, then refused by it: the address's fourth failure in its window
        policy.password(False, AWAY)
    policy.unlock()
    policy.reactivate(AWAY)
    assert (policy.refused, policy.device_id) == ("rate_limited", old)
    policy.password(True, HOME)
    policy.answer_push("right")
    policy.poll()
    policy.password(True, HOME)
    policy.ask_for_challenge()  # Use Challenge/Response instead: the old app's passcode
    policy.verify(True, 0)
    policy.reactivate(HOME)
    assert policy.refused is None and policy.device_id != old
    for reached in [
        ("activate", 401, "invalid_credentials"),
        ("activate", 423, "account_locked"),
        ("activate", 429, "rate_limited"),
        ("old_ibkey_after_account_locked", 200, "approved"),
        ("poll", 423, "account_locked"),
        ("old_ibkey_after_rate_limited", 200, "approved"),
        ("old_ibkey_after_rate_limited", 200, "response"),
        ("activate", 200, None),
    ]:
        assert reached in SEEN, (reached, sorted(SEEN))
    assert SEEN[("poll", 200, "authenticated")] == 2
    assert SEEN[("verify", 200, "authenticated")] == 1


def test_locks_counted_since_the_last_login_become_permanent_and_refuse_the_activation_too(
    app_config: dict[str, Any],
) -> None:
    """With ``SLS_LOCKOUT_PERMANENT_AFTER=2`` the second lock since the last completed login lasts until the
    admin's unlock (``423`` without ``retry_after``, a day later too), an IB Key activation refused by it
    as a login is; a completed login between two locks starts the count again."""
    policy = machine(app_config, "ibkey", {"LOCKOUT_THRESHOLD": 2, "LOCKOUT_PERMANENT_AFTER": 2})
    for _ in range(2):
        policy.password(False, HOME)
    policy.move_clock(60)
    policy.log_in(HOME)  # forgets the lock: the next is the first again
    for _ in range(2):
        policy.password(False, HOME)
    assert policy.model.locked_until == policy.model.now + 60
    policy.move_clock(60)
    for _ in range(3):
        policy.password(False, HOME)  # the second lock since the login, then refused by it
    assert policy.model.locked_until == PERMANENT
    policy.move_clock(86400)
    policy.password(True, HOME)
    policy.reactivate(HOME)
    assert policy.refused == "account_locked"
    policy.unlock()
    policy.log_in(HOME)
    assert SEEN[("password", 423, "account_locked")] == 2
    assert SEEN[("activate", 423, "account_locked")] == 1
    assert SEEN[("poll", 200, "authenticated")] == 2


def test_a_step_ups_push_is_refused_by_a_lock_placed_while_it_waits(app_config: dict[str, Any]) -> None:
    """A lock placed while a step-up's push waits (wrong passwords at the login page) refuses its poll, ``423
    account_locked``, as it refuses the step-up's start and answer (security.md); the step stays pending, and
    once the admin's unlock lifts the lock the poll tells ``pending`` again. A hunt met it in the
    ``ibkey-refused`` variant, where the model had judged the lock only once the push was approved, as a
    login's poll does."""
    policy = machine(app_config, "ibkey", {"LOCKOUT_THRESHOLD": 2})
    policy.log_in(HOME)
    policy.stepup(0, HOME, True)
    policy.stepup_poll()
    for _ in range(2):
        policy.password(False, HOME)
    assert policy.model.locked()
    policy.stepup_poll()
    policy.unlock()
    policy.stepup_poll()
    assert SEEN[("stepup_poll", 423, "account_locked")] == 1
    assert SEEN[("stepup_poll", 200, "pending")] == 2

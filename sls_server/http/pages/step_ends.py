"""Which refusals leave a second-factor step no way on, shared by the login page (``portal``) and the account
page's step-up (``stepup``): both then start over (the password again, or the task again) rather than offer
a form whose next answer could only be told the step expired.

Its own module so that the step-up page need not import the login page for one rule.
"""

from __future__ import annotations

from ...errors import SlsError

#: Refusals after which the step cannot go on: the page starts over (the login at its password).
FATAL = frozenset(
    {
        "challenge_expired",
        "challenge_used",
        "login_exhausted",
        "account_disabled",
        "unknown_transaction",
        "login_binding_required",
        "push_denied",
        "device_locked",
        "session_active",
        "ip_restricted",
    }
)


def ends_step(exc: SlsError) -> bool:
    """Whether this refusal leaves no way on for the step: a fatal one, or a wrong answer that used the last
    attempt (the step is spent; the next answer would only be told the code expired)."""
    return exc.code in FATAL or (exc.code == "invalid_response" and exc.extra.get("attempts_left") == 0)

"""The trainer's feed on a password reset's codes (``event_words``, ``event_phrases.code_budget``): which of
the name's two counts a wrong code and a refusal fell in, so a room sees a stranger spend the count of new
addresses while the user's own stay theirs."""

from __future__ import annotations

from typing import Any

import pytest
from event_kit import ATTACKERS, event

from sls_server.event_details import CODE_BUDGETS
from sls_server.web.event_phrases import BUDGETS
from sls_server.web.event_words import sentence


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            event(
                "password_recovery.code_failed",
                user="card-carl",
                detail={"attempts_left": 3, "budget": "new"},
            ),
            "Wrong reset code for card-carl from a new address",
        ),
        (
            event("password_recovery.code_failed", user="card-carl", detail={"budget": "known"}),
            "Wrong reset code for card-carl from one of their addresses",
        ),
        (
            event(
                "password_recovery.refused",
                user="card-carl",
                ip="198.51.100.66",
                result="rate_limited",
                detail={"budget": "new", "retry_after": 600},
            ),
            "Reset codes for card-carl refused: too many wrong from a new address, "
            "from 198.51.100.66 (attacker)",
        ),
        (
            event("password_recovery.refused", user="card-carl", result="client_services_required"),
            "Password reset for card-carl refused: Client Services must do it",
        ),
    ],
)
def test_the_feed_says_which_count_a_reset_code_fell_in(given: dict[str, Any], said: str) -> None:
    assert sentence(given, ATTACKERS) == said


def test_every_budget_has_its_words() -> None:
    assert sorted(BUDGETS) == sorted(CODE_BUDGETS)

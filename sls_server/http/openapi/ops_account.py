"""OpenAPI operations inside a session: step-up ("verify your identity") and the tasks it guards."""

from __future__ import annotations

from typing import Any

from ...auth.lockout import DeviceLocked
from ...auth.stepup import PURPOSES, ReauthRequired
from ...errors import (
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    InvalidResponse,
    NoSecondFactor,
    UnknownTransaction,
)
from ...factors.challenges import ChallengeLimited
from .build import SESSION_ERRORS, ok, op
from .schemas import Schema, integer, obj, ref, string, unix_time

Operation = tuple[str, str, dict[str, Any]]

SCHEMAS: dict[str, Schema] = {
    "StepUpRequest": obj(
        {},
        {
            "purpose": string("Start: what the verification is for.", enum=list(PURPOSES)),
            "type": string("Start: which kind of authenticator (default: the user's default)."),
            "device_id": string("Start: which authenticator."),
            "txn_id": string("Finish: the step-up transaction."),
            "response": string("Finish: what the authenticator shows; omit to poll an app approval."),
        },
        description="Either `purpose` (start) or `txn_id` (finish, with `response` or polling without).",
    ),
    "StepUpAnswer": obj(
        {"state": string("second_factor | pending | denied | expired | verified")},
        {
            "purpose": string(),
            "txn_id": string(),
            "expires_at": unix_time("When the prompt expires"),
            "factor": ref("Factor"),
            "valid_until": unix_time("Verified: until when sensitive tasks for this purpose are allowed"),
            "session": {
                "type": "object",
                "description": "Verified: the rotated session token (old one is dead).",
            },
        },
    ),
    "PhoneChange": obj({"phone": string("E.164 number.", examples=["+15555550123"])}),
    "PhoneChanged": obj({"username": string(), "phone": string()}, {"previous_phone": string(nullable=True)}),
    "WithdrawalRequest": obj({"amount": integer(minimum=1)}, {"currency": string(pattern="^[A-Z]{3}$")}),
    "WithdrawalAccepted": obj(
        {"state": string(), "request_id": string(), "amount": integer(), "currency": string()},
        {"note": string()},
    ),
}


def operations() -> list[Operation]:
    step_errors = (
        UnknownTransaction,
        ChallengeUsed,
        ChallengeExpired,
        InvalidResponse,
        DeviceInactive,
        DeviceLocked,
        NoSecondFactor,
        ChallengeLimited,
    )
    return [
        op(
            "post",
            "/api/v1/verify",
            "verifyIdentity",
            "Step-up: verify your identity for a sensitive task",
            ok("StepUpAnswer", "The prompt (start), the state (poll), or `verified` with a rotated token."),
            body="StepUpRequest",
            errors=(*SESSION_ERRORS, *step_errors),
            session=True,
            description='Start with `{"purpose"}`: a challenge on the user\'s factor, like login. Finish '
            "with "
            '`{"txn_id", "response"}`, or poll an IB Key approval with `{"txn_id"}`. Verified: the '
            "session carries the purpose for SLS_STEPUP_VALIDITY seconds and its token is rotated. "
            "429 `rate_limited` with `retry_after` when the card or the user has been issued "
            "SLS_CHALLENGE_ISSUE_LIMIT challenges in the last SLS_CHALLENGE_ISSUE_WINDOW seconds.",
        ),
        op(
            "post",
            "/api/v1/account/phone",
            "changePhone",
            "Change the phone number (needs a fresh step-up)",
            ok("PhoneChanged", "Changed; both numbers got a notice."),
            body="PhoneChange",
            errors=(*SESSION_ERRORS, ReauthRequired),
            session=True,
            description="401 `reauth_required` without a fresh `change_contact` verification.",
        ),
        op(
            "post",
            "/api/v1/withdrawals",
            "requestWithdrawal",
            "Request a withdrawal (needs a fresh step-up)",
            ok("WithdrawalAccepted", "Recorded (simulated: no money moves)."),
            body="WithdrawalRequest",
            errors=(*SESSION_ERRORS, ReauthRequired),
            session=True,
            description="401 `reauth_required` without a fresh `withdrawal` verification.",
        ),
    ]

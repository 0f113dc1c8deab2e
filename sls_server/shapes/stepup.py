"""Step-up ("verify your identity") inside a session, and the sensitive tasks it guards: changing the phone
number or the password, and requesting a withdrawal."""

from typing import Annotated, Literal, NotRequired, Self, get_args

from pydantic import ConfigDict, Field, field_validator, model_validator, with_config
from typing_extensions import TypedDict

from ..errors import InvalidRequest
from .common import DeviceRef, FactorType, Password, Phone, Refusal, Request, UnixTime, Username, by_state
from .login import MODE_NEEDS_IBKEY, ChallengeMode, Factor, FactorOption, check_mode
from .sessions import SessionToken

Purpose = Literal["withdrawal", "change_contact", "add_device", "change_security", "trade_permissions"]
PURPOSES: tuple[str, ...] = get_args(Purpose)
DEFAULT_CURRENCY = "USD"


class StepUpRequest(Request):
    """Start with `purpose` (optionally `type` and `device_id`); finish with `txn_id` and `response`, or
    poll an app approval with `txn_id` alone."""

    # "purpose or txn_id" as if/then, not a top-level anyOf: code generators read an object that is also a
    # union as a union of its members (openapi-python-client typed the body as Any); validators keep it.
    # A null counts as absent, as the model's check has it: "txn_id absent or null" is the `if` (a property
    # absent passes `properties`), and `then` wants a purpose that is no null, and no response (which
    # finishes a step-up); `else` (a txn_id goes on with one) wants none of the fields that start one.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"txn_id": {"type": "null"}}},
            "then": {
                "required": ["purpose"],
                "properties": {"purpose": {"type": "string"}, "response": {"type": "null"}},
            },
            "else": {
                "properties": {name: {"type": "null"} for name in ("purpose", "type", "device_id", "mode")}
            },
            **MODE_NEEDS_IBKEY,
        }
    )

    purpose: Purpose | None = Field(None, description="Start: what the verification is for.")
    type: FactorType | None = Field(
        None, description="Start: which kind of authenticator (default: the user's default)."
    )
    device_id: DeviceRef | None = Field(None, description="Start: which authenticator.")
    mode: ChallengeMode | None = Field(
        None,
        description="Start, with `type: ibkey`: `challenge` asks for the app's Challenge/Response method "
        'instead of a push (the broker\'s "verify your identity" procedure: a Challenge Code and a passcode '
        "field).",
    )
    txn_id: str | None = Field(None, max_length=64, description="Finish: the step-up transaction.")
    response: str | None = Field(
        None, max_length=64, description="Finish: what the authenticator shows; omit to poll an app approval."
    )

    @model_validator(mode="after")
    def _start_or_finish(self) -> Self:
        if self.txn_id is None and self.purpose is None:
            raise InvalidRequest("purpose is required (or txn_id, to finish a step-up)", field="purpose")
        # One call starts or finishes, never both: a field of the other kind was silently ignored (a
        # response beside purpose started a new step-up; a type beside txn_id was polled as if absent).
        if self.txn_id is None and self.response is not None:
            raise InvalidRequest("response finishes a step-up: send it with txn_id", field="response")
        if self.txn_id is not None:
            for name in ("purpose", "type", "device_id", "mode"):
                if getattr(self, name) is not None:
                    raise InvalidRequest(
                        f"{name} starts a step-up; with txn_id send only response (or nothing, to poll)",
                        field=name,
                    )
        check_mode(self.mode, self.type)
        return self


@with_config(
    by_state(
        {
            "second_factor": ("txn_id", "expires_at", "factor", "factors"),
            "pending": ("txn_id",),
            "denied": ("txn_id",),
            "expired": ("txn_id",),
            "verified": ("valid_until", "session"),
        }
    )
)
class StepUpAnswer(TypedDict):
    """The prompt (start), where the step stands (poll), or `verified` with a rotated session token."""

    state: Annotated[
        Literal["second_factor", "pending", "denied", "expired", "verified"],
        Field(
            description="`second_factor`: the step opened, with its prompt. A poll (`txn_id` alone): "
            "`pending` while it waits for the app; `denied` once the user tapped Deny in the app (over for "
            "good, with no `reason`: open a new step-up); `expired` "
            "when its time ran out or, with `reason`, a wrong number picked in the app ended it. "
            "`verified`: done, the session token rotated."
        ),
    ]
    purpose: Annotated[Purpose, Field(description="The purpose this step-up is for, as asked.")]
    txn_id: NotRequired[
        Annotated[
            str,
            Field(
                description="`second_factor` and a poll: the step-up transaction. Send it with `response` to "
                "finish, or alone to poll an app approval."
            ),
        ]
    ]
    reason: NotRequired[
        Annotated[
            Literal["too_many_wrong_responses"],
            Field(
                description="Poll, `expired`: the step was ended early by a wrong answer (a wrong number "
                "picked in the app), not by its clock."
            ),
        ]
    ]
    expires_at: NotRequired[
        Annotated[UnixTime, Field(description="When the prompt expires (answers count before it).")]
    ]
    factor: NotRequired[
        Annotated[
            Factor, Field(description="Start: the factor prompted (the user's default), with what to show.")
        ]
    ]
    factors: NotRequired[
        Annotated[list[FactorOption], Field(description="Start: every usable authenticator of the user.")]
    ]
    valid_until: NotRequired[
        Annotated[
            UnixTime,
            Field(
                description="Verified: tasks for this purpose are allowed before this instant; a withdrawal "
                "spends it (one verification, one withdrawal)."
            ),
        ]
    ]
    session: NotRequired[
        Annotated[SessionToken, Field(description="Verified: the rotated session; the old token is dead.")]
    ]


class PhoneChange(Request):
    """Send `phone` alone to have a code texted to it; send it again with that `code` to make it the
    account's number. Until then the account keeps its old number."""

    phone: Phone
    code: Annotated[str | None, Refusal("must be the 6 digits texted to the new number")] = Field(
        None,
        pattern=r"^[0-9]{6}$",
        description="The code texted to `phone` by the first call; omit it to have one sent.",
    )


@with_config(
    by_state(
        {
            "code_sent": ("sent_to", "expires_at", "attempts_left"),
            "changed": ("username", "phone", "previous_phone"),
        }
    )
)
class PhoneChanged(TypedDict):
    """`code_sent`: a code went to the new number, nothing changed yet. `changed`: the number is the
    account's now, and both numbers were told."""

    state: Annotated[
        Literal["code_sent", "changed"],
        Field(description="`code_sent` after the first call, `changed` after the one with the code."),
    ]
    sent_to: NotRequired[Annotated[str, Field(description="Code sent: the new number, masked.")]]
    expires_at: NotRequired[
        Annotated[UnixTime, Field(description="Code sent: the code is good before this instant.")]
    ]
    attempts_left: NotRequired[
        Annotated[int, Field(description="Code sent: wrong codes it takes before it dies.")]
    ]
    username: NotRequired[Username]
    phone: NotRequired[Annotated[str, Field(description="Changed: the new number.")]]
    previous_phone: NotRequired[
        Annotated[str | None, Field(description="Changed: the number before; null if there was none.")]
    ]


class PasswordChange(Request):
    """The current password and the new one. The new one must meet the policy a new user's does (8 to 128
    characters, not common, not the username, not a run like abcd1234) and differ from the current one."""

    current_password: Password = Field(
        description="The password now: a wrong one counts towards the lockout."
    )
    new_password: Password = Field(description="The password from now on.")
    end_other_sessions: bool = Field(
        True,
        description="Log out every other session of the user as the password changes (this one lives on). "
        "True when absent: whoever else held a session with the old password is out.",
    )


class PasswordChanged(TypedDict):
    """The new password is the account's; the user's phone was told."""

    state: Annotated[
        Literal["changed"], Field(description="Always `changed`: log in with the new password from now on.")
    ]
    username: Username
    sessions_ended: Annotated[
        list[str],
        Field(
            description="A list of session ids, not a count: the public ids (as `GET /api/v1/sessions` "
            "lists them) of the other sessions logged out, empty when not asked for or none lived. The "
            "admin's reset, recovery and disabling answer `sessions_ended` as a count."
        ),
    ]
    logins_ended: Annotated[
        int,
        Field(
            ge=0,
            description="Logins of the user that were past the old password and waiting on their second "
            "factor (a push someone else started, say), ended: none can finish now.",
        ),
    ]


class WithdrawalRequest(Request):
    amount: int = Field(ge=1, le=10**9, description="Whole units of the currency.")
    currency: Annotated[str | None, Refusal("must be a 3-letter ISO code like USD")] = Field(
        DEFAULT_CURRENCY,
        pattern=r"^[A-Z]{3}$",
        description="An ISO 4217 code like USD; USD when absent or null.",
    )

    @field_validator("currency")
    @classmethod
    def _usd_by_default(cls, value: str | None) -> str:
        return value or DEFAULT_CURRENCY


class WithdrawalAccepted(TypedDict):
    """Recorded (simulated: no money moves); the session's `withdrawal` verification is spent."""

    state: Annotated[Literal["accepted"], Field(description="Always `accepted`: the request was recorded.")]
    request_id: Annotated[
        str, Field(description="The request's id, like `wd-1a2b3c4d5e6f`, as the audit trail records it.")
    ]
    amount: Annotated[int, Field(description="The amount asked for, in whole units of `currency`.")]
    currency: Annotated[str, Field(description="The ISO 4217 code asked for (USD when none was given).")]
    note: Annotated[str, Field(description="A sentence saying the withdrawal is simulated: no money moves.")]

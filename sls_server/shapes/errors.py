"""The one error body every failure has. The failures themselves are ``sls_server.errors.SlsError``
subclasses (code, status, message), declared where they are raised; the OpenAPI document lists, per
operation and status, the codes it can answer with."""

from typing import Annotated, Any, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from .common import FactorType

Count = Annotated[int, Field(ge=0)]


class Problem(TypedDict):
    """One field's refusal, where a body has several."""

    field: Annotated[str, Field(description="The field at fault, as `field`.")]
    message: Annotated[str, Field(description="What is wrong with it.")]
    index: NotRequired[Annotated[Count, Field(description="As `index`: the bad item's place in the list.")]]
    entry: NotRequired[Annotated[Any, Field(description="As `entry`: the bad list item, if a scalar.")]]
    code: NotRequired[
        Annotated[
            str,
            Field(
                description="This field's own error code, as `error` would be were it alone: "
                "`invalid_request`, or `weak_password` for a password the policy refuses."
            ),
        ]
    ]
    reason: NotRequired[
        Annotated[str, Field(description="As `reason`: the password rule broken (`weak_password`).")]
    ]


class Error(TypedDict):
    """Every error: `error` and `message`, plus the extras its code documents."""

    error: Annotated[str, Field(description="A stable snake_case code; part of the contract.")]
    message: Annotated[str, Field(description="A human sentence.")]
    field: NotRequired[
        Annotated[str, Field(description="The request field at fault (`body` for the body as a whole).")]
    ]
    index: NotRequired[
        Annotated[Count, Field(description="The position of the bad item in the list named by `field`.")]
    ]
    problems: NotRequired[
        Annotated[
            list[Problem],
            Field(
                description="A 400 with more than one field at fault: every one of them (at most 20), in the "
                "body's field order, whether its shape or a rule judged after it (a username's form, the "
                "password policy, an allowlist's entries) refused it, so a form can mark them all at once. "
                "The first is `field` and `message`, and its `code` is `error`: `invalid_request`, or "
                "`weak_password` (with `reason`) when the password is the first field at fault."
            ),
        ]
    ]
    entry: NotRequired[Annotated[Any, Field(description="The bad list item itself, if a scalar.")]]
    max_entries: NotRequired[Annotated[Count, Field(description="The most items the list may hold.")]]
    attempts_left: NotRequired[
        Annotated[
            Count, Field(description="Wrong answers still allowed (a login's responses, a code's tries).")
        ]
    ]
    pin_attempts_left: NotRequired[
        Annotated[
            Count, Field(description="Wrong PINs the card or app still accepts before it locks itself.")
        ]
    ]
    reason: NotRequired[
        Annotated[
            str,
            Field(
                description="Why, in a word: the password rule broken, a transaction's end, how the "
                "gateway's last session ended (`no_session`)."
            ),
        ]
    ]
    ended_by: NotRequired[
        Annotated[
            str,
            Field(
                description="`no_session` after the gateway's session ended, beside `reason`: its cause. "
                "`reason: session_expired` is `idle` (no REST call for the idle timeout) or `lifetime` (the "
                "session's absolute lifetime); any other reason has one cause, named as `reason` names it "
                "(`daily_reset`, `sso_expired`, `gateway_restarted`, `logout`, `session_replaced`, "
                "`session_revoked`, `session_ended`, `ip_restricted`). `session_expired` (an API session's "
                "automatic logoff, on every request with its token while it is told): `idle` or `lifetime` "
                "likewise."
            ),
        ]
    ]
    retry_after: NotRequired[
        Annotated[
            Count,
            Field(
                description="Seconds to wait: exactly this much later, this refusal's lock or window is past."
            ),
        ]
    ]
    passcode_attempts_left: NotRequired[
        Annotated[
            Count,
            Field(
                description="`wrong_passcode`: wrong iPhone passcodes IB Key still takes before the app "
                "locks."
            ),
        ]
    ]
    your_address: NotRequired[
        Annotated[
            str | None,
            Field(
                description="A user's own IP Restrictions that leave out the address asking "
                "(`invalid_request`, `field: ip_allowlist`): that address, as the server reads it (null when "
                "it cannot tell)."
            ),
        ]
    ]
    purpose: NotRequired[Annotated[str, Field(description="`reauth_required`: the step-up purpose needed.")]]
    username: NotRequired[Annotated[str, Field(description="The user the refusal is about.")]]
    account_id: NotRequired[
        Annotated[
            str,
            Field(
                description="`user_in_account`: the account the user trades under; "
                "`user_not_in_account`: the account named."
            ),
        ]
    ]
    status: NotRequired[Annotated[str, Field(description="`/readyz`: `unavailable`.")]]
    device_id: NotRequired[
        Annotated[str, Field(description="`device_exists`: the device that holds the number already.")]
    ]
    type: NotRequired[Annotated[FactorType, Field(description="`device_exists`: that device's type.")]]

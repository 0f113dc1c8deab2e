"""The audit trail as ``GET /admin/v1/events`` reads it: the query, the events, the page and its cursor."""

import re
from typing import Annotated, Any, NotRequired

from pydantic import AfterValidator, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from ..event_types import EVENT_TYPES, nearest
from .common import USERNAME_PATTERN, FactorType, Query, Refusal, UnixTime, Username

_USERNAME = re.compile(USERNAME_PATTERN)


#: Each half of a Redis stream id (``<milliseconds>-<sequence>``) is an unsigned 64-bit integer.
STREAM_ID_PART_MAX = 2**64 - 1


def _absent_if_empty(value: Any) -> Any:
    return None if value == "" else value


def is_cursor(text: str) -> bool:
    """Whether ``text`` is a stream id Redis can read on from: ``XRANGE`` answers ``ERR`` (a 500, not the
    client's 400) for a half past 64 bits, and for the very last id, which nothing can follow."""
    ms, dash, seq = text.partition("-")
    if not (dash and ms.isascii() and ms.isdigit() and seq.isascii() and seq.isdigit()):
        return False
    halves = (int(ms), int(seq))
    return max(halves) <= STREAM_ID_PART_MAX and halves != (STREAM_ID_PART_MAX, STREAM_ID_PART_MAX)


def _a_cursor(value: str | None) -> str | None:
    if value is not None and not is_cursor(value):
        raise ValueError("not a stream id")  # worded by the field's Refusal
    return value


def _a_type_written(value: str | None) -> str | None:
    if value is not None and value not in EVENT_TYPES:
        near = nearest(value)
        raise PydanticCustomError(
            "refused",
            "{typed} is no event type the server writes{guess}",
            {"typed": repr(value), "guess": f" (did you mean {near}?)" if near else ""},
        )
    return value


class EventsQuery(Query):
    since: Annotated[
        str | None,
        BeforeValidator(_absent_if_empty),
        AfterValidator(_a_cursor),
        Refusal("must be a cursor returned by this route"),
    ] = Field(
        None,
        pattern=r"^[0-9]+-[0-9]+$",
        max_length=41,  # two 20-digit halves
        description="A cursor returned by an earlier call: an event's id, two unsigned 64-bit integers "
        "joined by `-`.",
    )
    user: str | None = Field(
        None,
        max_length=256,
        description="Only this user's events (case-insensitive; 400 if not a valid username), or, when no "
        "user has the name, the attempts at it (`detail.name_ref`).",
    )
    type: Annotated[str | None, AfterValidator(_a_type_written)] = Field(
        None,
        max_length=64,
        description="Only events of this type, matched whole. 400 `invalid_request` (`field`: `type`) for a "
        "type the server never writes, its message naming the nearest one: a misspelt type would find "
        "nothing, and a check that an event did not happen would pass on the typo.",
        examples=["login.succeeded"],
    )
    limit: int = Field(100, ge=1, le=1000, description="At most this many events.")

    @field_validator("user")
    @classmethod
    def _canonical(cls, value: str | None) -> str | None:
        """Usernames are case-insensitive: filter on the canonical (lower-case) form events carry."""
        if value is None:
            return None
        name = value.strip().lower()
        if not _USERNAME.fullmatch(name):
            raise PydanticCustomError("refused", "is not a valid username")
        return name


class ConsoleEventsQuery(EventsQuery):
    """The trainer console's filter (``/trainer/events/filter``): the admin route's query, but a type it
    does not know is read, finding nothing, instead of refused. The console is typed into a part at a time
    (``login``): it answers its "0 events" with the types the part begins, where a script's typo gets the
    admin route's 400."""

    type: str | None = Field(None, max_length=64, description="Only events of this type, matched whole.")


class Event(TypedDict):
    """An audit event. None ever carries a password, PIN, code, response or key. Refusals anyone can repeat
    at will (`login.refused`, `ip.rejected`, `push.rate_limited`, `sms.rate_limited`,
    `challenge.rate_limited`) are written once per client (address or user), reason and window
    (SLS_EVENT_SUMMARY_WINDOW); the rest of the window is counted into one `events.summary` written once the
    window has closed, so the events written plus every summary's `suppressed` is the exact number of
    occurrences. Events are kept SLS_EVENT_RETENTION seconds, whatever their number."""

    id: Annotated[str, Field(description="Also the cursor just past this event.")]
    at: Annotated[UnixTime, Field(description="When it happened.")]
    type: Annotated[
        str,
        Field(
            description="A dotted name, like `login.succeeded`: the names the contract's Events section "
            "lists, and more; `GET /admin/v1/events?type=` filters by one.",
            examples=["login.succeeded"],
        ),
    ]
    user: NotRequired[
        Annotated[
            Username,
            Field(
                description="The canonical (lower-case) username of the user the event is about. Absent "
                "when there is none: an attempt at a name no user has carries `detail.unknown_username: "
                "true` instead, and one at a name that cannot be a username `detail.invalid_username: true`, "
                "each with `detail.name_ref`, a keyed reference shared by every attempt at that name (the "
                "name itself may be a password typed into the wrong field; it is counted and locked all the "
                "same, and `?user=` finds its events); an `events.summary` grouped by address has the user "
                "its events named when they named that one alone (else `detail.users` and "
                "`detail.unknown_names` count the names, `detail.more_names` when more than ten came)."
            ),
        ]
    ]
    ip: NotRequired[
        Annotated[
            str,
            Field(
                description="The client's address; for `push.sent`, `push.approved`, `push.denied`, "
                "a push's wrong answer (`login.second_factor_failed` with `detail.wrong_number` for a wrong "
                "number picked), `sms.sent` and `voice.called`, that of the login or step-up that asked for "
                "it (absent for a notice or an activation code; the phone that answered a push is "
                "`detail.answered_from`), "
                "and for `push.rate_limited` and `sms.rate_limited`, that of the request refused; in an "
                "`events.summary` of an IPv6 client, its /64."
            ),
        ]
    ]
    factor: NotRequired[FactorType]
    device_id: NotRequired[str]
    result: NotRequired[Annotated[str, Field(description="`success`, `failure` or a reason.")]]
    detail: NotRequired[
        Annotated[
            dict[str, Any],
            Field(
                description="Type-specific, never a secret. For `events.summary`: `type` (the event "
                "summarised), `window_start` and `window_end` (Unix s), `count` (occurrences in the window) "
                "and `suppressed` (those not written one by one: all but the first)."
            ),
        ]
    ]


class EventsPage(TypedDict):
    events: Annotated[list[Event], Field(description="Oldest first.")]
    cursor: Annotated[
        str | None, Field(description="Pass as `since` to read on; null when nothing was read.")
    ]

"""Account protections as the admin sees them: the failed-login lockout and disabling a user."""

import ipaddress
from typing import Annotated, NotRequired

from pydantic import AfterValidator, Field
from typing_extensions import TypedDict

from .common import Query, Refusal, Request, Seconds, Username


class LockoutBucket(TypedDict):
    """Failures counted in one bucket of the account."""

    failures: Annotated[int, Field(ge=0)]
    locks: Annotated[int, Field(ge=0, description="How many times the bucket locked.")]
    locked: bool
    permanent: Annotated[bool, Field(description="Locked until an admin unlocks it.")]
    retry_after: Annotated[
        Seconds | None,
        Field(description="Seconds until a timed lock ends (then it no longer holds); else null."),
    ]


class LockoutStatus(TypedDict):
    username: Username
    locked: Annotated[bool, Field(description="A bucket of the user's own (not the decoy) is locked.")]
    threshold: Annotated[int, Field(ge=1, le=100, description="Failures that lock a bucket.")]
    buckets: Annotated[
        dict[str, LockoutBucket],
        Field(
            description="`all`, or `known` and `other` with SLS_LOCKOUT_KNOWN_IPS; `outside`: the decoy that "
            "counts attempts from outside the IP allowlist with SLS_IP_REFUSAL=silent (its lock is not the "
            "user's, so not in `locked`)."
        ),
    ]


class UserDisabled(TypedDict):
    username: Username
    disabled: bool
    sessions_ended: NotRequired[
        Annotated[
            int,
            Field(
                ge=0,
                description="Disabling: a count, not a list of ids: how many sessions it ended at once. (The "
                "user's own password change answers `sessions_ended` as the ended sessions' ids.)",
            ),
        ]
    ]


def _an_address(value: str) -> str:
    ipaddress.ip_address(value.strip())  # ValueError: worded by the field's Refusal
    return value


Address = Annotated[
    str,
    AfterValidator(_an_address),
    Refusal("must be an IPv4 or IPv6 address"),
    Field(
        min_length=1,
        max_length=64,
        description="A client's address, IPv4 or IPv6 (an IPv6 address counts as its /64).",
        examples=["198.51.100.77"],
    ),
]


class IpThrottleQuery(Query):
    ip: Address


class IpThrottleLift(Request):
    ip: Address


class IpThrottleState(TypedDict):
    """The per-address login limit (``SLS_IP_THROTTLE_LIMIT`` attempts in ``SLS_IP_THROTTLE_WINDOW``) as it
    stands for one address. While ``limited``, every login from it is refused, a right password too."""

    ip: Annotated[str, Field(description="The address asked about, normalised.")]
    counted_as: Annotated[
        str, Field(description="What the limit counts it under: an IPv4 address itself, an IPv6 one its /64.")
    ]
    attempts: Annotated[
        int, Field(ge=0, description="Login attempts counted in the window now (right passwords are not).")
    ]
    limit: Annotated[int, Field(ge=1, description="Attempts in the window that limit the address.")]
    window_s: Annotated[Seconds, Field(description="The sliding window, in seconds.")]
    limited: Annotated[bool, Field(description="Every login from the address is refused (429 rate_limited).")]
    retry_after: Annotated[
        Seconds | None,
        Field(description="While limited, seconds until the oldest attempt leaves the window; else null."),
    ]
    token_guesses: Annotated[
        int,
        Field(
            ge=0,
            description="Wrong admin and sim tokens from the address in their own window (the same limit and "
            "window): at the limit, every token from it is refused, the right one too.",
        ),
    ]
    metrics_guesses: Annotated[
        int, Field(ge=0, description="Wrong /metrics tokens from the address, in a window of their own.")
    ]


class IpThrottleLifted(IpThrottleState):
    """A lift forgets every window the address is counted in: its login attempts and its wrong tokens."""

    cleared: Annotated[int, Field(ge=0, description="Login attempts forgotten by this lift.")]
    token_guesses_cleared: Annotated[
        int,
        Field(
            ge=0,
            description="Wrong admin and sim tokens forgotten (their window refuses every token, the right "
            "one too, while full).",
        ),
    ]
    metrics_guesses_cleared: Annotated[
        int, Field(ge=0, description="Wrong /metrics tokens forgotten (a window of their own).")
    ]

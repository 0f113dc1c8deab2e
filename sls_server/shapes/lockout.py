"""Account protections as the admin sees them: the failed-login lockout and disabling a user."""

from typing import Annotated, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from .common import Seconds, Username


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
        Annotated[int, Field(ge=0, description="Disabling: the sessions it ended at once.")]
    ]

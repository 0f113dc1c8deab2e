"""Sessions: the token a login or a step-up hands out, who a session is, the admin's list of them, and the
user's own list (marked with the asking one) and what ending some of it ended."""

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from .common import FactorType, UnixTime, Username


class SessionToken(TypedDict):
    """A new session token (also set as the session cookie)."""

    token: Annotated[str, Field(description="Send as `Authorization: Bearer <token>`; also set as a cookie.")]
    idle_expires_at: Annotated[
        UnixTime, Field(description="When the session ends without further activity (auto-logoff).")
    ]
    expires_at: Annotated[
        UnixTime, Field(description="When the session ends whatever the activity (absolute lifetime).")
    ]


class Session(TypedDict):
    """Who is logged in, and until when."""

    username: Username
    authenticated_at: Annotated[UnixTime, Field(description="When the second factor was verified.")]
    idle_expires_at: Annotated[
        UnixTime, Field(description="When the session ends without further activity (auto-logoff).")
    ]
    expires_at: Annotated[
        UnixTime, Field(description="When the session ends whatever the activity (absolute lifetime).")
    ]
    factor: Annotated[FactorType, Field(description="The second factor the session was opened with.")]


class SessionInfo(Session):
    """A live session as the admin sees it."""

    id: Annotated[str, Field(description="The session's public id (`<username>~<sha256 of its token>`).")]
    ip: Annotated[str | None, Field(description="The address it logged in from.")]
    last_seen_at: Annotated[UnixTime, Field(description="The last authenticated request.")]


class SessionList(TypedDict):
    sessions: Annotated[list[SessionInfo], Field(description="The user's live sessions.")]


class OwnSession(SessionInfo):
    """A live session as its own user sees it."""

    current: Annotated[bool, Field(description="This is the session asking (this browser, this client).")]


class OwnSessionList(TypedDict):
    """The caller's live sessions: every login of theirs not ended, the asking one marked `current`."""

    sessions: Annotated[list[OwnSession], Field(description="The caller's live sessions, the oldest first.")]


class OwnSessionsEnded(TypedDict):
    """Ended at once: their tokens are dead; the asking session lives on."""

    ended: Annotated[
        list[str], Field(description="The ids of the sessions ended (none when there were no others).")
    ]


class LoggedOut(TypedDict):
    state: Annotated[
        Literal["logged_out"], Field(description="Always `logged_out`: the session's token is dead.")
    ]
    username: Annotated[Username, Field(description="The user whose session ended.")]


class SessionEnded(TypedDict):
    ended: Annotated[str, Field(description="The session id.")]
    username: Username


class ConsoleSignInsEnded(TypedDict):
    """Every sign-in to the trainer console and the simulator pages ended: each browser must sign in again."""

    trainer: Annotated[int, Field(ge=0, description="Live sign-ins to the trainer console that ended.")]
    sim: Annotated[int, Field(ge=0, description="Live sign-ins to the simulator pages that ended.")]

"""Gateway mode: the answers of the Client Portal Gateway's REST routes as the tools that automate it read
them (``/v1/api``, ``/v1/portal``; the field names are that product's, misspelt ``collission`` included), the
outbox hook's query, and the admin view and controls of the gateway's session (``/admin/v1/gateway``)."""

from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from typing_extensions import TypedDict

from .common import Query, Refusal, Request, UnixTime, Username
from .daily_reset import DAILY_RESET_PATTERN, DAILY_RESET_RULE, daily_reset_time

#: A daily-reset time in a JSON body: H:MM or HH:MM, kept as HH:MM (``daily_reset``'s one rule); null: none.
DailyResetAt = Annotated[
    str | None,
    Field(pattern=DAILY_RESET_PATTERN),
    AfterValidator(lambda at: None if at is None else daily_reset_time(at)),
    Refusal(DAILY_RESET_RULE),
]
#: The longest ``/sim/v1/outbox/latest-code?wait=`` the server holds a request for.
MAX_OUTBOX_WAIT_S = 30


class ServerInfo(TypedDict):
    serverName: Annotated[str, Field(description="The emulator's name.")]
    serverVersion: Annotated[str, Field(description="The emulator's version.")]


class AuthStatus(TypedDict):
    """The brokerage session as the gateway reports it."""

    authenticated: Annotated[bool, Field(description="The brokerage session is up.")]
    competing: Annotated[bool, Field(description="Another platform's session competes with this one.")]
    connected: Annotated[
        bool,
        Field(
            description="The gateway reaches the brokerage's servers; false: not `authenticated` either, "
            "until a reauthentication while the SSO session is valid."
        ),
    ]
    message: Annotated[
        str,
        Field(
            description="Empty, or why the session is not authenticated: the connection lost, a competing "
            "session, the brokerage session down."
        ),
    ]
    MAC: Annotated[str, Field(description="The gateway's hardware address (made up, stable per instance).")]
    serverInfo: ServerInfo


class AuthStatusFull(AuthStatus):
    """``iserver/auth/status`` and ``ssodh/init``: the status with two more fields."""

    fail: Annotated[str, Field(description="Empty: nothing failed.")]
    hardware_info: Annotated[str, Field(description="Made up: `<id>|<MAC>`.")]


class Iserver(TypedDict):
    authStatus: AuthStatus


class Tickle(TypedDict):
    session: Annotated[str, Field(description="An opaque id of the SSO session (not a credential).")]
    ssoExpires: Annotated[
        int, Field(description="Milliseconds until the SSO session ends unless something keeps it alive.")
    ]
    collission: Annotated[Literal[False], Field(description="Always false (sic).")]
    userId: Annotated[int, Field(description="A stable number for the user.")]
    iserver: Iserver


class SsoValidation(TypedDict):
    RESULT: Literal[True]
    USER_ID: Annotated[int, Field(description="The same number as the tickle's `userId`.")]
    USER_NAME: Username
    AUTH_TIME: Annotated[int, Field(description="When the login completed, in Unix milliseconds.")]
    LOGIN_TYPE: Annotated[Literal[1, 2], Field(description="1: live, 2: paper trading.")]
    EXPIRES: Annotated[int, Field(description="Milliseconds until the SSO session ends (as `ssoExpires`).")]


class Reauthenticated(TypedDict):
    message: Literal["triggered"]


class LoggedOut(TypedDict):
    status: Literal[True]


class ReauthenticateQuery(Query):
    force: bool = Field(False, description="Accepted for compatibility; a reauthentication always happens.")


class SsodhInitRequest(Request):
    """``ssodh/init``'s body, as ibind's ``initialize_brokerage_session(compete=...)`` sends it; optional
    (IBeam sends none: a takeover, as ``compete: true``)."""

    publish: Annotated[
        Literal[True],
        Refusal("must be true (the real gateway answers 500 to false)"),
        Field(description="Always `true`, as the real gateway's documentation asks."),
    ] = True
    compete: bool = Field(
        True,
        description="`true`: take the brokerage session over from another platform's that competes for it; "
        "`false`: leave a competing session alone (the answer then says `competing: true`, `authenticated: "
        "false`). A session nobody competes for is brought up either way.",
    )


class LatestCodeQuery(Query):
    user: Annotated[str, Field(min_length=1, max_length=64, description="The user whose phone to read.")]
    wait: int = Field(
        0,
        ge=0,
        le=MAX_OUTBOX_WAIT_S,
        description="Seconds to wait for a code this route has not handed out yet (the authenticator app's: "
        "one no login has used either, so the next time step's once one was); 0: the newest code now.",
    )
    factor: Literal["phone", "app"] | None = Field(
        None,
        description="`phone`: the newest code a text or voice callback brought; `app`: the code the user's "
        "authenticator app shows at the server's clock. Absent: what the user's newest pending login asks "
        "for; with none, the phone if the user has a number, else the app.",
    )


class GatewaySession(TypedDict):
    username: Username
    paper: bool
    established_at: UnixTime
    authenticated: bool
    connected: bool
    competing: bool
    sso_expires_at: Annotated[
        UnixTime, Field(description="When the SSO session ends unless kept alive (idle, lifetime, reset).")
    ]
    daily_reset_at: Annotated[UnixTime | None, Field(description="The next daily reset; null: none set.")]


class GatewayEnded(TypedDict):
    """How the gateway's last session ended: what the REST routes' 401 says (``reason``, ``ended_by``)."""

    reason: Annotated[
        str,
        Field(
            description="The 401's `reason`: `session_expired`, `sso_expired`, `daily_reset`, "
            "`gateway_restarted`, `logout`, ..."
        ),
    ]
    ended_by: Annotated[
        str | None,
        Field(
            description="Its cause: `idle` or `lifetime` for `session_expired`, else the reason again; null "
            "only for an ending an older version kept."
        ),
    ]
    at: Annotated[
        UnixTime,
        Field(
            description="When it ended, on the server's clock (for an automatic logoff or the lifetime: when "
            "a REST call or an admin's look first found it over)."
        ),
    ]


class GatewayProcessShape(TypedDict):
    """One process serving the instance, as its lease says."""

    host: Annotated[str, Field(description="The machine's host name.")]
    pid: Annotated[int, Field(description="The process id of its gunicorn master.")]
    port: Annotated[int, Field(description="The port it listens on.")]
    since: Annotated[
        int, Field(description="When it started, in real time (Unix s), not the server's clock.")
    ]
    lease_age_ms: Annotated[
        int,
        Field(
            description="Milliseconds of real time since its master took or renewed its lease (every third "
            "of the lease's 10 s while it serves; a process killed without its stop stops renewing)."
        ),
    ]
    lease_left_ms: Annotated[
        int,
        Field(
            description="Milliseconds of real time its lease has left: at 0 it is gone, and no longer "
            "keeps the session at a `sls gateway` start."
        ),
    ]


class GatewayState(TypedDict):
    """The gateway's session (null when none), how the last one ended, and how the gateway behaves."""

    session: GatewaySession | None
    ended: Annotated[
        GatewayEnded | None,
        Field(
            description="How the last session ended, until the next login (at most an hour of the server's "
            "clock); null: no such news."
        ),
    ]
    profile: Annotated[Literal["classic", "live"], Field(description="The login page's markup.")]
    notification_step: bool
    daily_reset: Annotated[str | None, Field(description="HH:MM UTC on the server's clock; null: none.")]
    processes: Annotated[
        list[GatewayProcessShape],
        Field(
            description="The processes serving this instance now: `sls gateway`, and `sls serve` or `sls "
            "demo` in gateway mode (each holds a lease its master renews; a start of `sls gateway` ends the "
            "session only when no other one does)."
        ),
    ]


class DailyResetRequest(Request):
    at: DailyResetAt = Field(
        description="HH:MM (UTC, on the server's clock; H:MM is read as 0H:MM) of the daily reset; "
        "null: no daily reset."
    )

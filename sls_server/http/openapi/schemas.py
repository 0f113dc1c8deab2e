"""The OpenAPI components: the JSON Schemas (2020-12, as in OpenAPI 3.1) of every body; the security schemes.

Built with a few helpers so each schema reads like the HTTP contract: the required fields first, then the
optional ones. Patterns and limits come from the code that enforces them wherever it exposes them.
"""

from __future__ import annotations

from typing import Any

from devices.dscplus import DSCPLUS_SUITE
from devices.totp import DIGITS as TOTP_DIGITS
from devices.totp import KEY_BYTES as TOTP_ALGORITHMS
from devices.totp import MAX_PERIOD, MIN_PERIOD

from ...accounts.access import ACCOUNT_ID_RE
from ...accounts.users import PHONE_RE, USERNAME_RE
from ..admin.control import CLOCK_MAX, CLOCK_MIN, MAX_CLOCK_S
from ..common import SESSION_COOKIE

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(
    required: dict[str, Schema], optional: dict[str, Schema] | None = None, *, description: str | None = None
) -> Schema:
    """An object schema: every key of ``required`` must be present, those of ``optional`` may be."""
    schema: Schema = {"type": "object", "properties": {**required, **(optional or {})}}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def string(description: str | None = None, *, nullable: bool = False, **extra: Any) -> Schema:
    schema: Schema = {"type": ["string", "null"] if nullable else "string", **extra}
    if description:
        schema["description"] = description
    return schema


def integer(description: str | None = None, **extra: Any) -> Schema:
    schema: Schema = {"type": "integer", **extra}
    if description:
        schema["description"] = description
    return schema


def boolean(description: str | None = None) -> Schema:
    return {"type": "boolean", **({"description": description} if description else {})}


def array(items: Schema, description: str | None = None) -> Schema:
    return {"type": "array", "items": items, **({"description": description} if description else {})}


def unix_time(what: str) -> Schema:
    return integer(f"{what}, in Unix seconds of the server's clock (see /admin/v1/clock)", minimum=0)


def const(value: str) -> Schema:
    return {"type": "string", "const": value}


FACTOR_TYPES = ["dscplus", "ibkey", "sms", "voice", "totp"]
FACTOR_TYPE = string("The authenticator type.", enum=FACTOR_TYPES)
DEVICE_ID = string("The device's id, like `dscplus-1a2b3c4d5e6f`.")
USERNAME = string("Case-insensitive; answered in lower case.", pattern=USERNAME_RE.pattern)
PHONE = string("E.164, like `+15551234567`.", pattern=PHONE_RE.pattern)
ACCOUNT_ID = string(
    "Letters, digits, `.`, `_`, `-`; case-sensitive.", pattern=ACCOUNT_ID_RE.pattern, examples=["U1234567"]
)

_SESSION_TIMES = {
    "authenticated_at": unix_time("When the second factor was verified"),
    "idle_expires_at": unix_time("When the session ends without further activity (auto-logoff)"),
    "expires_at": unix_time("When the session ends whatever the activity (absolute lifetime)"),
}
_SESSION = {"username": USERNAME, **_SESSION_TIMES, "factor": FACTOR_TYPE}
_DEVICE = {
    "device_id": DEVICE_ID,
    "type": FACTOR_TYPE,
    "label": string("A name for people, like `dscplus 5-1234-56789`.", nullable=True),
    "status": string(
        "`revoked` and `replaced` (an IB Key migrated to a new phone) devices stay listed but can no "
        "longer log "
        "in; an IB Key is `pending_activation` until the app activates it.",
        enum=["active", "revoked", "pending_activation", "replaced"],
    ),
    "created_at": unix_time("When the device was enrolled"),
}
_DEVICE_OPTIONAL = {
    "serial": string("A DSC+ card's serial number, as on its back.", pattern=r"^5-[0-9]{4}-[0-9]{5}$"),
    "suite": string("The OCRA suite (RFC 6287) the card computes.", examples=[DSCPLUS_SUITE]),
    "locked": boolean("A DSC+ card locked by too many wrong PINs."),
}
_TOTP_SETTINGS = {
    "digits": integer("totp: how many digits the app shows (default 6).", enum=list(TOTP_DIGITS)),
    "algorithm": string("totp: the HMAC hash (default `sha1`).", enum=list(TOTP_ALGORITHMS)),
    "period": integer("totp: seconds each code lasts (default 30).", minimum=MIN_PERIOD, maximum=MAX_PERIOD),
}
_EVENT_OPTIONAL = {
    "user": string(
        "The canonical (lower-case) username the event is about, whether or not such a user exists. Absent "
        "when there is none: an attempt whose username cannot be one carries `detail.invalid_username: "
        "true` instead (it is counted and locked all the same), and an `events.summary` grouped by address.",
        pattern=USERNAME_RE.pattern,
    ),
    "ip": string("The client's address."),
    "factor": FACTOR_TYPE,
    "device_id": DEVICE_ID,
    "result": string("`success`, `failure` or a reason."),
    "detail": {
        "type": "object",
        "description": "Type-specific, never a secret. For `events.summary`: `type` (the event summarised), "
        "`window_start` and `window_end` (Unix s), `count` (occurrences in the window) and `suppressed` "
        "(those not written one by one: all but the first).",
    },
}

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": string("A stable snake_case code; part of the contract."),
            "message": string("A human sentence."),
        },
        {
            "field": string("The request field at fault (`body` for the body as a whole)."),
            "attempts_left": integer("Wrong responses still allowed in this login transaction.", minimum=0),
            "pin_attempts_left": integer(
                "Wrong PINs the card still accepts before it locks itself.", minimum=0
            ),
            "reason": string("Why, in a word: the password rule broken, a transaction's end."),
            "retry_after": integer("Seconds to wait before trying again.", minimum=0),
            "index": integer("The position of the bad item in the list named by `field`.", minimum=0),
            "entry": {"description": "The bad list item (an `ip_allowlist` entry) itself, if a scalar."},
        },
        description="Every error: `error` and `message`, plus the extras its code documents.",
    ),
    "LoginRequest": obj(
        {"username": string(maxLength=128), "password": string(maxLength=1024, format="password")}
    ),
    "Factor": obj(
        {"type": FACTOR_TYPE, "device_id": DEVICE_ID},
        {
            "challenge": string(
                "dscplus, ibkey challenge mode: the 6 digits to key into the authenticator.",
                pattern=r"^[0-9]{6}$",
            ),
            "mode": string("ibkey: `push` (approve in the app) or `challenge`.", enum=["push", "challenge"]),
            "match": string("ibkey push: the number the user must pick in the app."),
            "sent_to": string("sms, voice: the masked number the code went to, like `+1•••••••4567`."),
            "channel": string("voice: the code is read out by a callback.", enum=["voice"]),
            "reason": string(
                "ibkey challenge mode: why no push was sent.", enum=["roaming", "notifications_off"]
            ),
            "expires_at": {"type": "integer", "description": "temporary: when the passcode lapses (unix s)."},
            "digits": _TOTP_SETTINGS["digits"],
            "period": _TOTP_SETTINGS["period"],
        },
        description="The second factor selected for this login, with what the login page shows.",
    ),
    "FactorOption": obj(
        {"type": FACTOR_TYPE, "device_id": DEVICE_ID, "label": _DEVICE["label"]},
        description="One of the user's active authenticators (M2FS).",
    ),
    "LoginStarted": obj(
        {
            "state": const("second_factor"),
            "txn_id": string("The login transaction, for /verify and polling."),
            "expires_at": unix_time("When the challenge expires"),
            "factor": ref("Factor"),
            "factors": array(ref("FactorOption"), "Every active authenticator of the user."),
            "login_token": string(
                "Binds the login to this client: send it as `X-Login-Token` on every call on `txn_id` "
                "(browsers get it as the `sls_login` cookie too)."
            ),
        }
    ),
    "FactorSwitchRequest": obj(
        {"type": FACTOR_TYPE},
        {"device_id": string("Which authenticator of that type; the first usable one when absent.")},
    ),
    "FactorSwitched": obj(
        {
            "txn_id": string("The same login transaction."),
            "expires_at": unix_time("When the new prompt expires"),
            "factor": ref("Factor"),
        }
    ),
    "VerifyRequest": obj(
        {
            "response": string(
                "What the authenticator shows: 8 digits for a DSC+ card, 6 or 8 for a TOTP app.",
                maxLength=64,
                examples=["12345678"],
            )
        }
    ),
    "SessionToken": obj(
        {
            "token": string("Send as `Authorization: Bearer <token>`; also set as a cookie."),
            "idle_expires_at": _SESSION_TIMES["idle_expires_at"],
            "expires_at": _SESSION_TIMES["expires_at"],
        }
    ),
    "Authenticated": obj({"state": const("authenticated"), "session": ref("SessionToken")}),
    "LoginStatus": obj(
        {
            "state": string(
                "Where the login stands.", enum=["pending", "approved", "denied", "expired", "authenticated"]
            ),
            "txn_id": string(),
            "expires_at": unix_time("When the challenge expires"),
            "factor": FACTOR_TYPE,
        },
        {
            "reason": string(
                "Why a transaction ended early.",
                enum=["too_many_wrong_responses", "account_disabled", "too_many_switches"],
            )
        },
    ),
    "Session": obj(_SESSION, description="Who is logged in, and until when."),
    "LoggedOut": obj({"state": const("logged_out"), "username": USERNAME}),
    "SessionInfo": obj(
        {
            **_SESSION,
            "id": string("The session's public id (SHA-256 of its token)."),
            "ip": string("The address it logged in from.", nullable=True),
            "last_seen_at": unix_time("The last authenticated request"),
        }
    ),
    "SessionList": obj({"sessions": array(ref("SessionInfo"), "The user's live sessions.")}),
    "SessionEnded": obj({"ended": string("The session id."), "username": USERNAME}),
    "UserCreate": obj(
        {
            "username": USERNAME,
            "password": string("Checked against the password policy.", maxLength=1024, format="password"),
        },
        {"phone": PHONE, "ip_allowlist": ref("IpAllowlistEntries")},
    ),
    "User": obj(
        {
            "username": USERNAME,
            "phone": {**PHONE, "type": ["string", "null"]},
            "created_at": unix_time("When the user was created"),
            "disabled": boolean(),
            "devices": array(ref("Device")),
        }
    ),
    "UserList": obj({"users": array(USERNAME)}),
    "IpAllowlistEntries": {
        **array(
            string(
                "An IPv4 or IPv6 address or CIDR range.",
                maxLength=100,
                examples=["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"],
            )
        ),
        "maxItems": 1000,
        "description": "IP addresses and CIDR ranges, normalised when stored; empty means unrestricted.",
    },
    "UserDeleted": obj({"deleted": USERNAME}),
    "Device": obj(_DEVICE, _DEVICE_OPTIONAL),
    "DeviceList": obj({"devices": array(ref("Device"))}),
    "DeviceEnrolRequest": obj(
        {
            "type": string(
                "The authenticator type; 400 `unsupported_device_type` lists what this server knows.",
                examples=["dscplus"],
            )
        },
        {
            "pin": string("dscplus: the card's PIN, 4 digits.", pattern=r"^[0-9]{4}$"),
            "platform": string("ibkey: the smartphone's platform.", enum=["android", "ios"]),
            "share_device_id": string(
                "dscplus: share this existing card with the user instead of a new one."
            ),
            "days": {"type": "integer", "minimum": 1, "maximum": 14, "description": "temporary: validity."},
            "label": string("A name for people.", maxLength=64),
            **_TOTP_SETTINGS,
        },
        description="`type` plus that type's parameters.",
    ),
    "DeviceEnrolled": obj(
        _DEVICE,
        {
            **_DEVICE_OPTIONAL,
            "secret_hex": string(
                "dscplus: the card's key, hex. Returned once, here, like a token import file.",
                pattern=r"^[0-9a-f]+$",
            ),
            "otpauth_uri": string(
                "totp: the provisioning URI an authenticator app scans. Returned once, here.",
                pattern=r"^otpauth://totp/",
            ),
            "secret_b32": string(
                "totp: the shared secret, unpadded base32, for typing into an app or a test's TOTP library.",
                pattern=r"^[A-Z2-7]+$",
            ),
            "qr_svg": string("totp: the otpauth URI as a QR code, a standalone SVG document."),
            "sent_to": string("ibkey: the masked number the activation code went to."),
            "activation_expires_at": {
                "type": "integer",
                "description": "ibkey: the activation code's deadline.",
            },
            "platform": string("ibkey: android or ios.", enum=["android", "ios"]),
            "passcode": string("temporary: the passcode. Returned once, here."),
            **_TOTP_SETTINGS,
        },
        description="The new device, with what the admin receives once (a card's key, an app's secret).",
    ),
    "CardRespondRequest": obj(
        {
            "pin": string("The card's PIN.", maxLength=16),
            "challenge": string("The 6 digits the login page shows.", pattern=r"^[0-9]{6}$"),
        }
    ),
    "CardRespondResponse": obj({"response": string("What the card's display shows.", pattern=r"^[0-9]{8}$")}),
    "CardStatus": obj(
        {
            "device_id": DEVICE_ID,
            "serial": _DEVICE_OPTIONAL["serial"],
            "suite": _DEVICE_OPTIONAL["suite"],
            "locked": _DEVICE_OPTIONAL["locked"],
            "pin_attempts_left": integer(minimum=0),
        }
    ),
    "Clock": obj(
        {
            "now": unix_time("The server's now"),
            "offset_s": integer("Seconds the clock runs ahead of system time (negative: behind)."),
        }
    ),
    "ClockMove": {
        "description": "Exactly one of `advance_s` (move by seconds, negative goes back) or `set_at`. "
        "The clock stays within 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z: a move that would leave "
        "that range is a 400 `invalid_request` naming the field, and the clock is unchanged.",
        "oneOf": [
            obj(
                {
                    "advance_s": integer(
                        "Seconds to move the clock by; the clock must end up within the range.",
                        minimum=-MAX_CLOCK_S,
                        maximum=MAX_CLOCK_S,
                    )
                }
            ),
            obj(
                {
                    "set_at": integer(
                        "The instant to set the clock to, in Unix seconds (2000-01-01 .. 2100-01-01).",
                        minimum=CLOCK_MIN,
                        maximum=CLOCK_MAX,
                    )
                }
            ),
        ],
    },
    "Event": obj(
        {
            "id": string("Also the cursor just past this event."),
            "at": unix_time("When it happened"),
            "type": string("Like `login.succeeded`.", examples=["login.succeeded"]),
        },
        _EVENT_OPTIONAL,
        description="An audit event. None ever carries a password, PIN, code, response or key. Refusals "
        "anyone can repeat at will (`login.refused`, `ip.rejected`, `push.rate_limited`, "
        "`sms.rate_limited`, `challenge.rate_limited`) are written once per client (address or user), "
        "reason and window (SLS_EVENT_SUMMARY_WINDOW); the rest of the window is counted into one "
        "`events.summary` written once the window has closed, so the events written plus every "
        "summary's `suppressed` is the exact number of occurrences. Events are kept SLS_EVENT_RETENTION "
        "seconds, whatever their number.",
    ),
    "EventsPage": obj(
        {
            "events": array(ref("Event"), "Oldest first."),
            "cursor": string("Pass as `since` to read on; null when nothing was read.", nullable=True),
        }
    ),
    "ResetDone": obj({"reset": {"type": "boolean", "const": True}, "keys_deleted": integer(minimum=0)}),
    "Status": obj({"status": string(examples=["ok", "ready"])}),
}

SECURITY_SCHEMES: dict[str, Schema] = {
    "adminToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`/admin/v1`: the admin token (`SLS_ADMIN_TOKEN`).",
    },
    "simToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`/sim/v1`, only when the server sets `SLS_SIM_TOKEN` (a demo whose audience plays "
        "the attacker); otherwise the simulators need no credentials.",
    },
    "sessionToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The session token returned by a successful /verify.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The session cookie set by a successful /verify "
        "(named `__Host-sls_session` when served over TLS).",
    },
    "loginToken": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Login-Token",
        "description": "The `login_token` of `POST /api/v1/auth/login`: binds the login to its client.",
    },
    "loginCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "sls_login",
        "description": "The same binding for browsers: HttpOnly, SameSite=Strict, "
        "Path=/api/v1/auth/login/<txn_id>.",
    },
}

"""What the pages say, in the broker's words: the factor names, the card's and the app's steps (from the
broker's own procedures), and one sentence for each refusal the login service can give.

Messages are chosen by error code (part of the HTTP contract) and the error's extras (``retry_after``,
``attempts_left``), never by parsing the service's English; an unknown code falls back to the service's own
message, so a new refusal is still explained, never turned into a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

FACTOR_NAMES = {
    "dscplus": "Digital Security Card+",
    "ibkey": "IB Key (IBKR Mobile)",
    "sms": "SMS",
    "voice": "Voice callback",
    "totp": "Authenticator app",
    "temporary": "Temporary passcode",
}

#: The card's steps, as the broker's "Secure Login with Digital Security Card+" procedure gives them.
CARD_STEPS = (
    "Turn on your device by pressing the \u201cpress\u201d button until PIN> is displayed.",
    "Enter the 4-digit PIN code you specified when you requested the device, then press OK.",
    "When CHALLNG> is displayed, enter the 6-digit Challenge Code shown above, then press OK.",
    "A response code will appear: enter its 8 digits in the Response field and select Log in.",
)

#: IB Key without notifications: the broker's challenge/response procedure.
IBKEY_CHALLENGE_STEPS = (
    "Launch IBKR Mobile on your smartphone and select Authenticate (or More \u203a Two-Factor Authentication "
    "\u203a Generate Code on an iPhone, Generate Response on Android).",
    "Type the Challenge Code shown above (and your PIN on Android), then select Generate Passcode.",
    "Enter the response string from IB Key in the Response field and select Log in.",
)

#: Why a login asks for IB Key's challenge/response when the user did not ask for it (``factor.reason``): the
#: page says so in one line, so a switch from the push is not a mystery. The seed's "IB Key Use Without
#: Notifications" names a phone without Internet (roaming, out of coverage) as one such case; this emulator's
#: server knows a simulated phone roams, so it sends no push then, and says why. A user who asked
#: ("requested") needs no reason.
IBKEY_CHALLENGE_REASONS = {
    "push_limited": "Too many notifications were sent to your phone; use Challenge/Response.",
    "roaming": "Your phone cannot receive notifications now (it is roaming, without Internet), so none was "
    "sent; use Challenge/Response.",
    "notifications_off": "Notifications are turned off in IBKR Mobile on your phone; use Challenge/Response.",
}

#: The same steps on "verify your identity" (step-up), whose button is Continue: the broker's "How to verify
#: your identity using your Secure Login Device" ends each procedure with "click Continue".
CARD_VERIFY_STEPS = (
    *CARD_STEPS[:-1],
    "A response code will appear: enter its 8 digits in the Response field and click Continue.",
)
IBKEY_VERIFY_STEPS = (
    *IBKEY_CHALLENGE_STEPS[:-1],
    "Enter the response string from IB Key in the Response field and click Continue.",
)


#: What a step-up verified for, as the account page's "Identity verified for" line says it: the API's purpose
#: names (``change_security``) are no words for a client.
STEP_UP_WORDS = {
    "withdrawal": "a withdrawal",
    "change_contact": "a new phone number",
    "change_security": "your password, IP Restrictions and other sessions",
}


def step_ups_said(purposes: list[str]) -> str:
    """The purposes a step-up verified, in the user's words, joined ("a new phone number; your password,
    ...": the words hold commas of their own)."""
    return "; ".join(STEP_UP_WORDS.get(purpose, purpose.replace("_", " ")) for purpose in purposes)


def factor_name(type_: str) -> str:
    return FACTOR_NAMES.get(type_, type_)


def device_label(entry: dict[str, str | None]) -> str:
    """What tells two devices apart on the M2FS list: a card's serial, a masked phone; not a raw device id."""
    label = entry.get("label") or ""
    type_ = str(entry.get("type"))
    # The service's labels lead with the factor's own name ("SMS +1•••0104", "Voice callback +1•••0104"),
    # which the page already prints beside them: drop it, whatever its case, so the list never says
    # "SMS · SMS +1•••0104". The longest name first, so "Voice callback" goes whole.
    for prefix in sorted({f"{type_} ", "sms ", "voice callback ", "voice "}, key=len, reverse=True):
        if label.lower().startswith(prefix):
            label = label[len(prefix) :]
            break
    return "" if label == entry.get("device_id") else label


def duration(seconds: int | float | None) -> str:
    """``75`` -> ``1 min 15 s``; ``3600`` -> ``60 min``; ``86400`` -> ``24 h``: a wait a person reads at a
    glance (from two hours on, in hours and minutes)."""
    total = max(int(seconds or 0), 0)
    if total >= 7200:
        hours, minutes = divmod(total // 60, 60)
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    minutes, secs = divmod(total, 60)
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min" + (f" {secs} s" if secs else "")


def moment(at: int | None) -> str:
    """``1893499200`` -> ``2030-01-01 12:00 UTC``: an instant of the server's clock (which the trainer moves),
    in UTC as the rest of the emulator shows time, so a page and ``sls`` agree on it."""
    if not isinstance(at, int):
        return "an unknown time"
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def explain(code: str, message: str, extra: dict[str, Any], *, kind: str = "") -> str:
    """One sentence for a refusal. ``kind`` is the error's class name, for the codes several limits share."""
    wait = extra.get("retry_after")
    if code == "invalid_credentials":
        return "The username or password you entered is incorrect. Please try again."
    if code == "account_locked":
        if wait:
            return (
                "Your account is temporarily locked after too many failed login attempts. "
                f"Try again in {duration(wait)}."
            )
        return (
            "Your account is locked after too many failed login attempts. "
            "Contact Client Services to unlock it."
        )
    if code == "account_disabled":
        return "This account is disabled. Contact Client Services."
    if code == "ip_restricted":
        return (
            "Login from this IP address is not permitted: IP Restrictions are active on this account. "
            "Log in from one of the addresses you designated in Client Portal."
        )
    if code == "rate_limited":
        after = f" Try again in {duration(wait)}." if wait else ""
        if kind == "SendLimited":
            return "Too many security codes were sent to your phone recently." + after
        if kind == "ChallengeLimited":
            return "Too many challenges were issued for this device recently." + after
        if kind == "TokenGuessesLimited":
            return "Too many wrong tokens from this address." + after
        return "Too many failed login attempts from your address." + after
    if code == "invalid_response":
        left = extra.get("attempts_left")
        if left == 0:  # the step is spent: another answer would only be told it expired
            return (
                "The security code you entered is not valid, and no attempts are left. Please log in again."
            )
        tail = f" {left} attempt{'s' if left != 1 else ''} left." if left is not None else ""
        return "The security code you entered is not valid." + tail
    if code == "challenge_expired":
        return "The security code has expired. Please log in again."
    if code == "challenge_used":
        return "This security code has already been used. Please log in again."
    if code == "device_locked":
        return (
            "This security device is disabled after too many wrong responses. "
            "Use another device or contact Client Services."
        )
    if code == "no_second_factor":
        return "The Secure Login System is mandatory and no security device is active for this user."
    if code == "push_denied":
        return "The login was denied on your phone."
    if code == "login_exhausted":
        return "Too many new codes or device changes were requested for this login. Please log in again."
    if code in ("session_expired", "not_authenticated"):
        return "Your session has ended. Please log in again."
    if code == "session_active":
        return "You are already logged in elsewhere; log out there first."
    return message


def verification_ended(code: str, message: str, extra: dict[str, Any], *, kind: str = "") -> str:
    """A step-up ("verify your identity") that cannot go on: the refusal's sentence, but the way on is the
    task again from the account page, not a new login (the session is still there)."""
    said = explain(code, message, extra, kind=kind).removesuffix(" Please log in again.")
    return f"{said} Start the task again from your account."


#: How the gateway's last session ended (``GET /admin/v1/gateway``'s ``ended``), in a trainer's words: by
#: its cause (``ended_by``), else its reason; ``sls gateway-state status`` and the trainer's gateway card
#: say these.
GATEWAY_ENDINGS = {
    "idle": "idle timeout",
    "lifetime": "the session's lifetime was over",
    "sso_expired": "SSO session expired",
    "daily_reset": "daily reset",
    "gateway_restarted": "the gateway restarted",
    "logout": "logged out",
    "session_replaced": "replaced by another login of the user",
    "session_revoked": "the session was revoked (user disabled)",
    "session_ended": "ended elsewhere",
}


def gateway_ending(ended: dict[str, Any]) -> str:
    """``{"reason": "session_expired", "ended_by": "idle", "at": ...}`` -> ``idle timeout at 14:02 UTC``."""
    reason = str(ended.get("reason") or "")
    cause = str(ended.get("ended_by") or reason)
    words = GATEWAY_ENDINGS.get(cause) or GATEWAY_ENDINGS.get(reason) or reason.replace("_", " ")
    at = ended.get("at")
    if not isinstance(at, int):
        return words
    return f"{words} at {datetime.fromtimestamp(at, UTC).strftime('%H:%M')} UTC"

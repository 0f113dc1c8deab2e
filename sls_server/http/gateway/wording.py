"""What the gateway's login page says: the gateway's own texts, which tools compare word for word.

``Invalid username password combination`` and ``failed`` are the texts IBeam reads (it counts them to stop
before an account locks, comparing the error box's whole text: so ``failed``, not the newer real page's
``Authentication failed``, docs/gateway.md); the paper/live texts come from the core's rule
(``gateway.session``). Other refusals use the emulator's sentences: the lock's wording is ours, not copied
from the broker's page.
"""

from __future__ import annotations

from ...errors import SlsError
from ...web.wording import duration
from ..pages.kit import say

WRONG_CREDENTIALS = "Invalid username password combination"
WRONG_SECOND_FACTOR = "failed"
#: Refusals of a second-factor answer: the gateway says only "failed", and the login starts over.
SECOND_FACTOR_FAILED = frozenset(
    {
        "invalid_request",
        "invalid_response",
        "challenge_expired",
        "challenge_used",
        "login_exhausted",
        "device_locked",
        "wrong_mode",
        "push_denied",
    }
)
#: The broker's names for the second-factor devices, as the device list shows them.
DEVICE_NAMES = {
    "ibkey": "IB Key",
    "dscplus": "Security Code Card",
    "sms": "SMS",
    "voice": "Voice",
    "totp": "Mobile Authenticator App",
    "temporary": "Temporary Passcode",
}
#: The real page's block for each device's code, which scripts that drive it look for: ``.xyzblock-<metal>``
#: holding ``form.xyzform-<metal>`` and its field ``.xyz-<metal>-response`` (the field's id is the profile's,
#: ``#xyz-field-bronze-response`` in the classic one whatever the device: IBeam's default).
METALS = {"dscplus": "bronze", "sms": "silver", "voice": "silver", "totp": "silver", "ibkey": "gold"}
#: What the code's field is called on each device's step (its visible label).
RESPONSE_LABELS = {
    "dscplus": "Response",
    "sms": "Security Code",
    "voice": "Security Code",
    "totp": "Mobile Authenticator App Code",
    "ibkey": "Response String",
    "temporary": "Temporary Passcode",
}


def gateway_says(exc: SlsError) -> str:
    if exc.code == "invalid_credentials":
        return WRONG_CREDENTIALS
    if exc.code == "login_mode_mismatch":
        return exc.message
    if exc.code in SECOND_FACTOR_FAILED:
        return WRONG_SECOND_FACTOR
    if exc.code == "account_locked":
        wait = exc.extra.get("retry_after")
        if wait:
            return f"Too many failed login attempts. Please try again in {duration(wait)}."
        return "Too many failed login attempts. Your account is locked: contact Client Services."
    return say(exc)


def step_names(factor: dict[str, str]) -> dict[str, str]:
    """How a second-factor step is named: its device in the title (``Client Portal Login: SMS``; IB Key's push
    and its challenge apart), the real page's block (``metal``) and its field's label."""
    type_ = factor["type"]
    device = DEVICE_NAMES.get(type_, type_)
    if type_ == "ibkey":
        device += " notification" if factor.get("mode") == "push" else " Challenge/Response"
    label = RESPONSE_LABELS.get(type_, "Security Code")
    return {"device_name": device, "metal": METALS.get(type_, "temp"), "response_label": label}


def device_options(factors: list[dict[str, str]]) -> list[dict[str, str]]:
    """One option per factor, named as the broker names it (``IB Key``, ``SMS`` ...); a name two options
    share gets its device's label, so each can still be selected by its visible text."""
    names = [DEVICE_NAMES.get(f["type"], f["type"]) for f in factors]
    options = []
    for name, entry in zip(names, factors, strict=True):
        shown = name if names.count(name) == 1 else f"{name} ({entry.get('label') or entry['device_id']})"
        options.append({"value": f"{entry['type']}:{entry['device_id']}", "name": shown})
    return options

"""The phishing relay's victim: what she types into a copy of the login page that forwards it to the real one.

The attacker's page shows what the real page asked of her (the card's challenge, "a code was sent to your
phone") and forwards what she types, at once. She does what she would do on the real page, with what she
holds: keys her PIN and the challenge into her card, reads the text on her phone (the handset her number
reaches: after a SIM swap, not hers), reads her authenticator app. Her card's answer comes from the card's
own algorithm with her PIN's digest (``sls_devices.dscplus.expected_response``), which is what the card
computes once she has keyed the right PIN; the emulator never knows the PIN itself.

What she cannot type is an IB Key push: it asks her to pick, on her phone, the number shown on the page that
started the login, which is the attacker's. This page does not show it (a copy of the page, not a live proxy
of it), so any pick is a guess, and a wrong one ends the login. The push is left on her phone for the trainer
to answer. Nor can the emulator type for her what only she knows: IB Key's challenge/response (her app's PIN)
or a temporary passcode.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..wiring import Core


@dataclass(frozen=True)
class Typed:
    """What the victim typed into the fake page (None: nothing), and what the report says she did."""

    answer: str | None
    says: str


def victim_types(
    core: Core, username: str, factor: dict[str, Any], *, now: int, seen: Collection[str] = ()
) -> Typed:
    """What ``username`` types into the phishing page that shows her the login step ``factor``; ``seen``:
    the ids of :func:`codes_on_her_phone` from before the login, which she knows are not its code."""
    kind = factor["type"]
    if kind == "dscplus":
        response = core.cards.holder_response(factor["device_id"], factor["challenge"])
        if response is None:
            return Typed(None, "The victim's card is locked after wrong PINs: it shows no response to type.")
        keyed = "The victim keyed their PIN and the challenge into their card and typed its response."
        return Typed(response, keyed)
    if kind in ("sms", "voice"):
        return _code_on_her_phone(core, username, kind, seen, now=now)
    if kind == "totp":
        shown = core.authenticator.code(factor["device_id"], now=now)
        return Typed(str(shown["code"]), "The victim typed the code their authenticator app showed.")
    if kind == "ibkey" and factor.get("mode") == "push":
        return Typed(
            None,
            "IB Key sent a notification to the victim's phone: approving it means picking the number shown "
            "on the page that started the login, which is the attacker's, and the copied page does not show "
            "it. Any pick is a guess, and a wrong one ends the login (number matching). It waits on their "
            "phone: answer it there. A live proxy that copied the number onto its page as well would get "
            "through; an IP allowlist stops both.",
        )
    return Typed(
        None,
        "The login asked for what only the victim can produce (IB Key's challenge/response with their app's "
        "PIN, or a "
        "temporary passcode); typed into the page, it would be relayed like any code.",
    )


def codes_on_her_phone(core: Core, username: str, *, now: int, channel: str | None = None) -> dict[str, str]:
    """The login codes on the victim's own handset, as :func:`login_codes`. Taken before the login too, so
    that she types only what this login sent, never an older code."""
    number = core.users.get(username).phone
    return login_codes(core, number, number, now=now, channel=channel) if number else {}


def login_codes(
    core: Core, handset: str, number: str, *, now: int, channel: str | None = None
) -> dict[str, str]:
    """Login codes sent to ``number`` that are on ``handset`` (the number's own, or the one a swapped SIM
    sits in), texts (``sms``), calls (``voice``) or both, by message or call id, newest first."""
    phones = core.phones
    items = []
    if channel in (None, "sms"):
        items += phones.messages(handset, now=now)
    if channel in (None, "voice"):
        items += phones.calls(handset, now=now)
    return {
        str(item["id"]): str(item["code"])
        for item in items
        if item.get("to") == number and item.get("purpose") == "login" and item.get("code")
    }


def _code_on_her_phone(core: Core, username: str, channel: str, seen: Collection[str], *, now: int) -> Typed:
    arrived = codes_on_her_phone(core, username, now=now, channel=channel)
    code = next((code for id_, code in arrived.items() if id_ not in seen), None)
    if code is None:
        where = "text" if channel == "sms" else "call"
        lost = f"No {where} with a code reached the victim's phone (a SIM swap, or a carrier dropped it)."
        return Typed(None, lost)
    said = "the code texted to their phone" if channel == "sms" else "the code the voice callback read out"
    return Typed(code, f"The victim typed {said}.")

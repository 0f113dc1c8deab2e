"""What the phone page shows of a user's phone: its texts and calls (and the attacker's, after a SIM swap),
the network's conditions, IBKR Mobile and its waiting activations, and the authenticator app's codes.

Read-only, and read whole on every poll of the page (``sim_actions``' phone state) and after each change of
the conditions, so it is one function over the core's services, apart from the routes that change things.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ...accounts.user_fields import PHONE_RE
from ...sim import speech
from ..common import core, now
from .simulators import authenticators

#: The most texts, and the most calls, shown per handset (newest first).
MAX_SHOWN = 20


def handset_view(handset: str) -> dict[str, Any]:
    """A handset's texts and calls, each with the number it was sent to: the attacker's handset holds every
    swapped SIM's, and only ``to`` tells whose code is whose."""
    phones = core().phones
    audio = speech.available()
    calls = [
        {
            **{k: c.get(k) for k in ("id", "at", "to", "transcript", "code")},
            "audio_url": f"/sim/phone/{handset}/calls/{c['id']}/audio" if audio else None,
        }
        for c in phones.calls(handset, now=now())[:MAX_SHOWN]
    ]
    messages = [
        {k: m.get(k) for k in ("id", "at", "from", "to", "text", "code")}
        for m in phones.messages(handset, now=now())[:MAX_SHOWN]
    ]
    return {"number": handset, "messages": messages, "calls": calls}


def _together(own: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """One handset's texts and calls with another's, newest first (each keeps the number it was sent to)."""
    merged = {"number": own["number"]}
    for what in ("messages", "calls"):
        items = sorted([*own[what], *other[what]], key=lambda item: item["at"], reverse=True)
        merged[what] = items[:MAX_SHOWN]
    return merged


def ibkey_view(username: str) -> dict[str, Any]:
    """IBKR Mobile on this user's phone: the active app (status, notifications) and activations waiting.

    An IB Key migrated to a handset that is no phone number (the attacker's, holding a swapped SIM) is not on
    this phone: the page says it moved instead of showing that app, whose notifications only its holder
    sees (it used to draw the attacker's app, login requests and all, on the victim's phone)."""
    devices = [d for d in core().devices.of_user(username) if d.type == "ibkey"]
    active = next((d for d in devices if d.status == "active"), None)
    elsewhere = active.handset if active else None  # a number is a phone; a name, a swapped SIM's holder
    moved_to = elsewhere if elsewhere and not PHONE_RE.fullmatch(elsewhere) else None
    if moved_to:
        active = None
    app: dict[str, Any] | None = None
    if active:
        app = core().ibkey.status(active.device_id)
        app["inbox"] = core().ibkey.notifications(app["app_id"], now=now())
    waiting = [  # a new phone for this user (its first IB Key, or a migration)
        {
            "device_id": d.device_id,
            "platform": d.platform,
            "migrate": active is not None,
            "username": username,
            # a migration the user's card confirms (no text is sent): the challenge to key into the card
            **({"challenge": d.activation_challenge} if d.activation_card else {}),
        }
        for d in devices
        if d.status == "pending_activation" and not d.app_id
    ]
    if app:  # users added to this phone (Add User), waiting for their activation code
        waiting += [
            {
                "device_id": p["device_id"],
                "platform": app["platform"],
                "migrate": False,
                "adding": True,  # confirmed with this app's own PIN or passcode, not a new one
                "username": p["username"],
            }
            for p in app["pending_users"]
        ]
    return {"app": app, "waiting": waiting, "moved_to": moved_to}


def phone_state(username: str) -> dict[str, Any]:
    user = core().users.get(username)
    number = user.phone
    state: dict[str, Any] = {"username": user.username, "number": number, "now": now()}
    if number:
        conditions = core().phones.conditions(number)
        state["conditions"] = asdict(conditions)
        state["handset"] = handset_view(number)
        waiting = core().phone_changes.waiting_number(user.username, now=now())
        if waiting and waiting != number:  # the new SIM is the person's too: its texts show, "Sent to" it
            state["handset"] = _together(state["handset"], handset_view(waiting))
        swapped = conditions.sim_swapped_to
        state["attacker"] = handset_view(swapped) if swapped else None
    state["ibkey"] = ibkey_view(user.username)
    state["totp"] = authenticators().codes(user.username, now=now())
    return state

"""What a browser keeps of a login at its second-factor step, and what its page offers: the same for the
portal's login page (``portal``) and the gateway's (``gateway.pages``), so their steps read it alike.

A step's page is named by a key of its own (``page_key``), never by the login's transaction id: that id
starts with the username (``alice~...``, so one script on the user's hash slot can judge the login), and a
shared computer's history and address bar would list who logged in there. The cookie sealed to the key
holds the id (``txn``).
"""

from __future__ import annotations

import secrets
from typing import Any

from ..common import core


def several_devices(factors: list[dict[str, Any]]) -> bool:
    """M2FS: more than one device (an SMS phone also takes voice callbacks: that is one device)."""
    return len({f["device_id"] for f in factors}) > 1


def started_state(started: dict[str, Any]) -> dict[str, Any]:
    """What a browser keeps (sealed, in its login cookie) of a login it just started: the same for the portal
    and the gateway's pages, so their steps read it alike. ``txn``: the login's transaction id, which its
    page's address does not say (``page_key``); ``dies_at``, when the cookie lapses: three
    challenge lifetimes past the first challenge's expiry, one lifetime after the login itself lapses
    (``prompts.LIFETIME_TTLS`` from its start, which no new code or other device extends), so the step
    still reads its login and says it ended; ``chosen``: one device leaves nothing to choose."""
    return {
        "txn": started["txn_id"],
        "token": started["login_token"],
        "factor": started["factor"],
        "factors": started["factors"],
        "dies_at": int(started["expires_at"]) + 3 * core().settings.challenge_ttl,
        "chosen": not several_devices(started["factors"]),
    }


def resend_channels(factors: list[dict[str, Any]]) -> tuple[str, ...]:
    """What "Didn't receive a security code?" offers: the broker's two options, SMS and Voice, for a
    phone enrolled for SMS (it takes voice callbacks too); only Voice for a voice-only phone."""
    types = {f["type"] for f in factors}
    return tuple(c for c in ("sms", "voice") if c in types)


#: Random bytes of a login page's key: as unguessable as the transaction id's own random part.
PAGE_KEY_BYTES = 24


def page_key() -> str:
    """A new login's name in its page's address: random, linked to its transaction
    only by the cookie sealed to it."""
    return secrets.token_urlsafe(PAGE_KEY_BYTES)

"""What IBKR Mobile cannot do on a phone without data: every screen that talks to IBKR's servers.

The emulator's roaming is the broker's "your phone has no Internet connectivity (you are in roaming, out of
coverage, without an active mobile data plan, etc.)" ("IB Key Use Without Notifications"). On such a phone
the app's requests never reach the server, so each such screen is refused (409 ``phone_offline``) before
anything is checked or changed: no password counted, no code spent, no text sent. Challenge/Response is
computed on the phone and needs no connection; the iPhone's Touch ID / Face ID setting is the phone's own.

Same import rules as ``sls_server.sim``.
"""

from __future__ import annotations

from ..errors import PhoneOffline
from ..phones import PhoneService

#: What each screen could not do, in the app's words; the push answer keeps ``PhoneOffline``'s own.
SCREENS = {
    "activate": "IB Key cannot be activated",
    "add_user": "another user cannot be added",
    "migrate": "IB Key cannot be migrated to this phone",
    "notifications": "the notification setting cannot be registered with IBKR",
}


def require_data(phones: PhoneService, number: str | None, screen: str | None = None) -> None:
    """409 ``phone_offline`` when the smartphone at ``number`` roams (no number known: nothing to judge).
    ``screen`` names the screen (:data:`SCREENS`); None is a push's answer."""
    if not number or not phones.conditions(number).roaming:
        return
    if screen is None:
        raise PhoneOffline()
    raise PhoneOffline(
        f"This phone has no Internet connection (it is roaming, without data): {SCREENS[screen]} until it "
        "has one. Challenge/Response on the login screen works without a connection."
    )

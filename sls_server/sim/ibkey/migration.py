"""Moving IB Key to a new smartphone, started on the new phone ("Migrate IB Key").

The user logs in on the new phone and asks to move IB Key there; the server enrols a new IB Key, confirmed
by a text to the number the active one was activated with or, when a card is active for the user, by the
card's response to a challenge shown on the new phone (``factors.ibkey.activation``). Activating it
(``sim.ibkey.activation``) replaces the old phone's IB Key at once; the old phone is not needed.

Same import rules as ``sls_server.sim``.
"""

from __future__ import annotations

from typing import Any

from ...accounts.devices import DeviceService
from ...auth import PasswordStep
from ...events import EventLog
from ...store.records import DeviceChanges
from ..errors import NothingToMigrate
from ..phones import PhoneService
from .offline import require_data


def activation_of(enrolled: dict[str, Any]) -> dict[str, Any]:
    """How a new IB Key (a migration's, or an added user's) is to be confirmed: by text (``sent_to``) or by
    the user's card (``challenge``)."""
    shown = ("activation", "sent_to", "card_device_id", "challenge", "activation_expires_at")
    return {key: enrolled[key] for key in shown if key in enrolled}


class Migration:
    def __init__(
        self, password: PasswordStep, devices: DeviceService, phones: PhoneService, events: EventLog
    ) -> None:
        self._password = password
        self._devices = devices
        self._phones = phones
        self._events = events

    def start(
        self,
        username: str,
        password: str,
        *,
        platform: str,
        handset: str | None,
        now: int,
        ip: str | None,
    ) -> dict[str, Any]:
        """Enrol the new phone's IB Key for a user who has an active one; the answer says how to confirm it.
        The password is checked like the app's other screens (IP rules and lockout included), after the new
        phone (``handset``) is known to have data: roaming, 409 ``phone_offline`` and nothing checked."""
        require_data(self._phones, handset, "migrate")
        user = self._password.verify(username, password, now=now, ip=ip, door="ibkey")
        name = user.username
        if not any(d.type == "ibkey" for d in self._devices.active_of_user(name)):
            raise NothingToMigrate()
        if user.phone:  # each migration texts a code (or shows a card's challenge): it costs, as Add User's
            self._phones.limit(name, user.phone, now=now, ip=ip)
        # the new phone's handset in the device's one create: a second write would wait for its turn
        fields: DeviceChanges = {"handset": handset} if handset else {}
        enrolled = self._devices.enrol(name, "ibkey", {"platform": platform}, now=now, fields=fields)
        device_id = enrolled["device_id"]
        self._events.record(
            "ibkey.migration_started",
            at=now,
            user=name,
            ip=ip,
            factor="ibkey",
            device_id=device_id,
            detail={"confirmed_by": enrolled.get("activation", "sms")},
        )
        return {
            "status": enrolled["status"],
            "username": name,
            "device_id": device_id,
            **activation_of(enrolled),
        }

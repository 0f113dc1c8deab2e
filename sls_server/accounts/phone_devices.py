"""A user's phone as a device: which types are one, and how one names its number (masked).

An SMS or voice device sends to the number stored on it; its label and the refusal of a second one for the
same phone show that number masked. The device service (``devices.DeviceService``) enrols them and
``phone_following`` keeps them one per number and moves them; the state import reads which types are phones.
"""

from __future__ import annotations

from sls_devices.phone import mask_number

from ..store.records import DeviceChanges, DeviceRecord

#: Devices that are the user's phone number: an SMS device takes voice callbacks too
#: (``factors.sms.VoiceFactor``), so one of either per number serves every code the phone can receive.
PHONE_TYPES = ("sms", "voice")


def moved(device: DeviceRecord, number: str) -> DeviceChanges:
    """A phone device moved to ``number``; a label that shows the old number (the one enrolment gives, "SMS
    +1•••••••0177") shows the new one, so the login's list names the phone the code goes to. A label of the
    user's own words stays."""
    changes: DeviceChanges = {"number": number}
    shown = mask_number(device.number) if device.number else None
    if shown and device.label and device.label.endswith(shown):
        changes["label"] = device.label.removesuffix(shown) + mask_number(number)
    return changes


def phone_taken(device: DeviceRecord) -> str:
    """Why a second phone device is refused, and what to do instead."""
    number = mask_number(device.number) if device.number else "the user's phone"
    if device.type == "sms":
        return (
            f"{number} is enrolled for SMS already ({device.device_id}), which takes voice callbacks too; "
            "nothing was added"
        )
    return (
        f"{number} is enrolled for voice callbacks already ({device.device_id}); revoke it first to "
        "enrol the phone for SMS instead"
    )

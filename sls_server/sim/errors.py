"""What the simulated user's side refuses: the card's keypad, the IB Key app, phones, speech.

The device models' own exceptions (``sls_devices.dscplus.WrongPin``, ``sls_devices.ibkey.AppLocked``...)
are the devices' words; these are what the server tells the client about them, named so they never collide.
Named and placed by the rule in CONTRIBUTING.md ("Errors"); the hierarchy is ``sls_server.errors``.
"""

from __future__ import annotations

from ..errors import Conflict, DeviceBusy, NotFound, SlsError, UnknownDevice
from ..turns import RETRY_AFTER_S


class PinRejected(SlsError):
    code = "wrong_pin"
    status = 403
    message = "Wrong PIN."


class PasscodeRejected(SlsError):
    """The iPhone's passcode, mistyped where IB Key asks for it (no Touch ID / Face ID set up)."""

    code = "wrong_passcode"
    status = 403
    message = "Wrong iPhone passcode."


class PhoneOffline(SlsError):
    """An answer to a push from a phone without data (roaming): it cannot reach the server."""

    code = "phone_offline"
    status = 409
    message = (
        "This phone has no Internet connection (it is roaming, without data): the answer cannot reach IBKR. "
        "Use Challenge/Response on the login screen; it works without a connection."
    )


class CardLockedOut(SlsError):
    code = "card_locked"
    status = 423
    message = "The card is locked after too many wrong PINs; an administrator must reset it."


class UnknownApp(UnknownDevice):
    message = "No IB Key app has that id."


class AppBusy(DeviceBusy):
    """The phone's IB Key app, used by other requests for longer than one waits for its turn."""

    message = "Other requests are using this IB Key app right now; try again in a second."


class IbKeysBusy(DeviceBusy):
    """An IB Key change of several records (the notification switch, Add User, an activation replacing the
    user's older IB Keys) found the turn of one of them kept by other requests, and was refused before it
    changed anything (``PhoneApps.holding``)."""

    message = (
        "Other requests are using this IB Key app or the user's IB Keys right now; nothing was changed: "
        f"try again in {RETRY_AFTER_S} s."
    )


class UnknownNotification(NotFound):
    code = "unknown_notification"
    message = "No such notification on this app (it may have been answered)."


class AppLockedOut(SlsError):
    code = "app_locked"
    status = 423
    message = "IB Key is locked after too many wrong PINs; enrol and activate it again."


class AlreadyActivated(Conflict):
    code = "already_activated"
    message = "That user is already activated on this app."


class ActivationInProgress(Conflict):
    code = "activation_in_progress"
    message = "Another IB Key activation of this user is in progress; try again in a moment."


class NothingToMigrate(Conflict):
    code = "nothing_to_migrate"
    message = "This user has no active IB Key to migrate; activate one instead."


class SendLimited(SlsError):
    code = "rate_limited"
    status = 429
    always = ("retry_after",)
    message = "Too many codes were sent recently; wait before asking for another."


class AudioUnavailable(NotFound):
    code = "audio_unavailable"
    message = "No audio: espeak-ng is not installed on this server. Read the call's transcript instead."


class AudioFailed(SlsError):
    code = "audio_failed"
    status = 503
    message = "espeak-ng did not render the call; read the call's transcript instead."

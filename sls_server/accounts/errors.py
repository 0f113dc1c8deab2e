"""What the broker's account rules refuse: users and passwords, multi-user accounts, IP allowlists.

Named and placed by the rule in CONTRIBUTING.md ("Errors"); the hierarchy is ``sls_server.errors``.
"""

from __future__ import annotations

from ..errors import Conflict, DeviceBusy, Forbidden, NotFound, SlsError
from ..turns import RETRY_AFTER_S


class UserNotFound(NotFound):
    code = "unknown_user"
    message = "No such user."


class UserExists(Conflict):
    code = "user_exists"
    message = "A user with that username already exists."


class UserDevicesBusy(DeviceBusy):
    """A user's deletion found the turn of one of their devices or IB Key apps kept by other requests, and
    was refused before it changed anything (``UserService.delete``)."""

    message = (
        "Other requests are changing this user's devices or IB Key apps right now; nothing was deleted: "
        f"try again in {RETRY_AFTER_S} s."
    )


class DeletionUnfinished(DeviceBusy):
    """A user's deletion, their record already gone, found the turn of a device still naming them kept by
    other requests (``user_deletion.drop_left``): what is left stays for the deletion sent again, or a create
    of the name, to finish."""

    message = (
        "This user's deletion is not finished: other requests are changing a device that still names them "
        f"right now. Try again in {RETRY_AFTER_S} s: the deletion, or a new user of the name, finishes it."
    )


class PhoneDevicesBusy(DeviceBusy):
    """A new phone number found the turn of one of the user's SMS or voice devices kept by other requests,
    and was refused before it changed anything (``DeviceService.following_phone``)."""

    message = (
        "Other requests are changing this user's SMS or voice devices right now; the number was not changed: "
        f"try again in {RETRY_AFTER_S} s."
    )


class WeakPassword(SlsError):
    code = "weak_password"
    status = 400
    always = ("field", "reason")


class StandingChanged(Exception):
    """Not an answer of its own: ``UserPasswords.set_password`` refused a recovery's password because the user
    no longer stands as the recovery found them. ``PasswordRecovery`` says so as its expiry
    (``challenge_expired``: start again)."""


class IpRestricted(Forbidden):
    """Deliberately says nothing about the password or which list refused: the same body every time."""

    code = "ip_restricted"
    message = "Login is not permitted from this address."


class UnknownAccount(NotFound):
    code = "unknown_account"
    message = "No such account."


class AccountExists(Conflict):
    code = "account_exists"
    message = "An account with that id already exists."

    @classmethod
    def made_again(cls) -> AccountExists:
        """The account this create made was deleted, and the id made again, by other requests before it
        was done: the id exists, but not as this request made it (nothing of it is kept)."""
        return cls(
            "An account with that id was deleted and made again by another request while this one was "
            "creating it: it exists now as that request made it (read it), and nothing of this one is kept."
        )


class AccountMadeAgain(Conflict):
    """A user's link names the account asked about, in a making of its id other than the one this request
    read: the account was deleted and made again meanwhile, twice over (once is judged again as it then
    stands). Not ``user_in_account``, which named this same account as "another"."""

    code = "account_made_again"
    always = ("username", "account_id")
    message = "The account was deleted and made again while the user was being added to it: send it again."


class UserInAnotherAccount(Conflict):
    code = "user_in_account"
    message = "The user already belongs to another account."


class UserNotInAccount(NotFound):
    """Taking out of an account a user who is not in it: named, not an idempotent success, so a script that
    names the wrong account or user learns it."""

    code = "user_not_in_account"
    always = ("username", "account_id")
    message = "The user is not in that account."


class DeviceExists(Conflict):
    """A second SMS or voice device on a phone that has one: the login would list the phone twice."""

    code = "device_exists"
    always = ("device_id", "type")
    message = "The user's phone is enrolled already."


class ConsecutiveTemporaryPasscode(Conflict):
    """KB69: the broker issues no temporary passcode right after another; it restores a physical device."""

    code = "consecutive_temporary_passcode"
    always = ("device_id",)
    message = (
        "The user's newest authenticator is a temporary passcode already, and the broker issues none right "
        "after another: enrol a card, IB Key or another authenticator instead."
    )

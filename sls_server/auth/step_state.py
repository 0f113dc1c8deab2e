"""What a second-factor step's state tells the client: one mapping from the state a step is stored in, or
the outcome a Lua step reports for it, to the refusal the client gets.

Checked before anything is computed (:func:`raise_if_settled`), so a settled or expired step spends no
attempt and draws no challenge; and after a Lua step that found the state changed under it
(:func:`raise_for_status`).
"""

from __future__ import annotations

from typing import NoReturn

from ..store.logins import LoginRepo
from ..store.records import LoginTxn
from .errors import (
    AccountDisabled,
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    LoginExhausted,
    PushDenied,
    UnknownTransaction,
)

#: A step whose wrong answers used up its attempts (or a wrong number picked in the app) is over.
ATTEMPTS_USED = "No attempts are left on this login (or step-up); start a new one."
#: A step whose device was revoked (or, an IB Key, replaced by a new phone's) while it was in progress.
DEVICE_GONE = "That authenticator was removed while this login (or step-up) was in progress."
#: An answer to a prompt that a new code or another factor replaced while it was being checked.
PROMPT_REPLACED = "That code or challenge was replaced by a new one meanwhile; answer the new one."


def refuse_if_settled(logins: LoginRepo, txn: LoginTxn, now: int) -> None:
    """:func:`raise_if_settled`; a pending step found past its expiry is recorded expired first, so the 410
    stands if the clock is moved back (the step does not come back to life)."""
    record_if_expired(logins, txn, now)
    raise_if_settled(txn, now)


def record_if_expired(logins: LoginRepo, txn: LoginTxn, now: int) -> None:
    """A pending step past its expiry at ``now`` is marked expired, for good (a poll that says so too)."""
    if txn.state == "second_factor" and now >= txn.expires_at:
        logins.expire(txn.txn_id, now=now)


def raise_if_settled(txn: LoginTxn, now: int) -> None:
    """Answer a settled or expired step without spending an attempt or computing anything."""
    if txn.state in ("authenticated", "approved"):
        raise ChallengeUsed()
    if txn.state == "denied":
        raise PushDenied()
    if txn.state in ("revoked", "device_revoked", "exhausted"):
        raise_for_status(txn.state)
    if txn.state == "failed":  # the contract's 410 (start over), saying why: not the clock, the attempts
        raise ChallengeExpired(ATTEMPTS_USED)
    if txn.state != "second_factor" or now >= txn.expires_at:
        raise ChallengeExpired()


def raise_for_status(status: str) -> NoReturn:
    """The refusal for a step a Lua script found ``missing``, ``used``, ``revoked``, ``device_revoked``,
    ``exhausted``, ``switched`` (its prompt replaced: the step goes on, with the new one) or past."""
    if status == "missing":
        raise UnknownTransaction()
    if status == "used":
        raise ChallengeUsed()
    if status == "revoked":
        raise AccountDisabled()
    if status == "device_revoked":
        raise DeviceInactive(DEVICE_GONE)
    if status == "exhausted":
        raise LoginExhausted()
    if status == "switched":
        raise ChallengeExpired(PROMPT_REPLACED)
    raise ChallengeExpired()

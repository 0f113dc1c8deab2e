"""IBKR Mobile Authentication (IB Key): the authenticator module of the IBKR Mobile app on a smartphone.

Pure model: no Flask, no Redis, no I/O; time is passed in. The server verifies with the same functions.

What the phone holds (:class:`AppState`, in ``sls_devices.ibkey_state``): its platform, how it unlocks keys
(Android: a PIN of 4-6 letters or digits with at least one digit, kept as a salted scrypt hash; iOS: Touch
ID / Face ID, simulated as a flag, no PIN), whether it takes notifications, and one :class:`Credential` per
user activated on it (the seed's "Add User"): that user's Ed25519 signing key and the 32-byte OCRA key.
Private keys never leave the phone: the server gets only the public key at activation.

Activation agrees the OCRA key without sending it (X25519 + HKDF-SHA256, ``sls_devices.ibkey_crypto``); the
server ends with the same 32 bytes.

Push login: the server's notification carries the transaction id, a 32-byte nonce and three candidate
numbers, one of them shown on the login page. Approving signs :func:`canonical_transaction` over txn id,
username, device id, nonce, the number picked and the decision; the server rebuilds the same bytes from
what it remembered, with the same function, and checks the signature *and* the number (a valid signature
over the wrong number is still a refusal: NIST 800-63B-4 §3.1.3.1). Without notifications (roaming,
notifications off) the app answers challenges with OCRA ``OCRA-1:HOTP-SHA256-8:QN06``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from sls_devices.ibkey_crypto import (
    DECISIONS,
    IBKEY_SUITE,
    KEY_BYTES,
    NONCE_BYTES,
    KeyContext,
    agree,
    canonical_transaction,
    new_agreement_key,
    new_signing_key,
    ocra_response,
    sign,
    verify_signature,
)
from sls_devices.ibkey_state import AppState, Credential, Notification, PendingActivation

__all__ = [
    "DECISIONS",
    "IBKEY_SUITE",
    "KEY_BYTES",
    "NONCE_BYTES",
    "PIN_ATTEMPTS",
    "PIN_RE",
    "PLATFORMS",
    "AppLocked",
    "AppState",
    "Credential",
    "IbKeyApp",
    "IbKeyError",
    "InvalidChoice",
    "InvalidPin",
    "KeyContext",
    "Notification",
    "PendingActivation",
    "UnknownUser",
    "UnlockRefused",
    "WrongPin",
    "agree",
    "canonical_transaction",
    "hash_pin",
    "new_agreement_key",
    "new_signing_key",
    "ocra_response",
    "sign",
    "validate_pin",
    "verify_pin",
    "verify_signature",
]

PLATFORMS = ("android", "ios")
PIN_ATTEMPTS = 10
"""Wrong PINs in a row before the app disables its keys (NIST 800-63B-4 §3.2.10 allows at most 10)."""

# [0-9A-Za-z] rather than \w or isalnum(): those take non-ASCII letters and digits no keypad would send.
PIN_RE = re.compile(r"^(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{4,6}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class IbKeyError(Exception):
    """Base of the app's refusals; ``code`` is what the server maps to an HTTP error."""

    code = "ibkey_error"


class InvalidPin(IbKeyError, ValueError):
    code = "invalid_pin"


class WrongPin(IbKeyError):
    code = "wrong_pin"

    def __init__(self, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        super().__init__(
            "wrong PIN; " + ("the app is now locked" if not attempts_left else f"{attempts_left} left")
        )


class AppLocked(IbKeyError):
    code = "app_locked"


class UnlockRefused(IbKeyError):
    """The wrong kind of unlock for the platform, or a biometric scan that failed."""

    code = "unlock_refused"


class UnknownUser(IbKeyError):
    code = "unknown_user"


class InvalidChoice(IbKeyError, ValueError):
    code = "invalid_choice"


def validate_pin(pin: object) -> str:
    if not isinstance(pin, str) or not PIN_RE.fullmatch(pin):
        raise InvalidPin("the PIN must be 4-6 letters or digits 0-9, with at least one digit")
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash``: parameters beside the hash, so they can be raised later."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(validate_pin(pin).encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(got, bytes.fromhex(digest))


# --- the app -------------------------------------------------------------------------------------------


class IbKeyApp:
    """The app's behaviour on an :class:`AppState`, mutated in place: the caller decides when to save."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    @classmethod
    def install(
        cls, app_id: str, platform: str, *, pin: str | None = None, biometric: bool = False
    ) -> IbKeyApp:
        """A fresh app, its unlock set up the platform's way: a PIN on Android, biometrics on iOS."""
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}")
        if platform == "android":
            if biometric or pin is None:
                raise UnlockRefused("IB Key on Android is protected by a PIN")
            return cls(AppState(app_id, platform, pin_hash=hash_pin(pin)))
        if pin is not None or biometric is not True:
            raise UnlockRefused("IB Key on iOS is protected by Touch ID or Face ID, not a PIN")
        return cls(AppState(app_id, platform, biometric=True))

    def unlock(self, *, pin: str | None = None, biometric: bool | None = None) -> None:
        """Let the keys be used, or raise: a wrong PIN counts, and the app locks at ``PIN_ATTEMPTS``."""
        st = self.state
        if st.locked:
            raise AppLocked("IB Key is locked after too many wrong PINs; activate it again")
        if st.platform == "ios":
            if pin is not None or biometric is not True:
                raise UnlockRefused("Touch ID / Face ID did not confirm; this app has no PIN")
            return
        if biometric or pin is None or st.pin_hash is None:
            raise UnlockRefused("enter the IB Key PIN")
        if verify_pin(pin, st.pin_hash):
            st.pin_failures = 0
            return
        st.pin_failures = min(st.pin_failures + 1, PIN_ATTEMPTS)
        st.locked = st.pin_failures >= PIN_ATTEMPTS
        raise WrongPin(attempts_left=PIN_ATTEMPTS - st.pin_failures)

    @staticmethod
    def begin_activation() -> PendingActivation:
        signing_key, signing_public = new_signing_key()
        agreement_key, agreement_public = new_agreement_key()
        return PendingActivation(signing_key, signing_public, agreement_key, agreement_public)

    def complete_activation(
        self, pending: PendingActivation, *, username: str, device_id: str, server_public: bytes
    ) -> Credential:
        """Derive the OCRA key from the server's answer and keep the user's keys (replacing older ones)."""
        context = KeyContext(device_id, username, pending.agreement_public, server_public)
        credential = Credential(
            username, device_id, pending.signing_key, agree(pending.agreement_key, server_public, context)
        )
        self.state.users[username] = credential
        return credential

    def _credential(self, username: str | None) -> Credential:
        if username is None:
            if len(self.state.users) != 1:
                raise UnknownUser("several users are on this app: say which")
            return next(iter(self.state.users.values()))
        try:
            return self.state.users[username]
        except KeyError:
            raise UnknownUser(f"{username} is not activated on this app") from None

    def _signed(self, note: Notification, match: str, decision: str) -> dict[str, str]:
        credential = self._credential(note.username)
        message = canonical_transaction(
            txn_id=note.txn_id,
            username=note.username,
            device_id=credential.device_id,
            nonce=note.nonce,
            match=match,
            decision=decision,
        )
        signature = sign(credential.signing_key, message)
        return {
            "txn_id": note.txn_id,
            "nonce": note.nonce,
            "match": match,
            "decision": decision,
            "signature": signature.hex(),
        }

    def approve(self, note: Notification, chosen_match: str, **unlock: Any) -> dict[str, str]:
        """The user picks the number the login page shows among the three offered, then unlocks."""
        if chosen_match not in note.candidates:
            raise InvalidChoice(f"pick one of the numbers shown: {', '.join(note.candidates)}")
        self.unlock(**unlock)
        return self._signed(note, chosen_match, "approve")

    def deny(self, note: Notification, **unlock: Any) -> dict[str, str]:
        """A signed refusal: only the phone can deny, so nobody else can kill a user's logins."""
        self.unlock(**unlock)
        return self._signed(note, "", "deny")

    def respond(self, challenge: str, *, username: str | None = None, **unlock: Any) -> str:
        credential = self._credential(username)
        self.unlock(**unlock)
        return ocra_response(credential.ocra_key, challenge)

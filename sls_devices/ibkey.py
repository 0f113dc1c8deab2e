"""IBKR Mobile Authentication (IB Key): the authenticator module of the IBKR Mobile app on a smartphone.

Pure model: no Flask, no Redis, no I/O; time is passed in. The server verifies with the same functions.

What the phone holds (:class:`AppState`, in ``sls_devices.ibkey_state``): its platform, how it unlocks keys
(Android: a PIN of 4-6 letters or digits with at least one digit, kept as a salted scrypt hash; iOS: Touch
ID / Face ID, simulated as a flag, or, on an iPhone where neither is set up, the iPhone's own passcode: "If
Touch ID has not been activated, IB Key will prompt you to enter your smartphone's passcode", kept hashed as
the PIN is), whether it takes notifications, and one :class:`Credential` per user activated on it (the seed's
"Add User"): that user's Ed25519 signing key and the 32-byte OCRA key.
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
from sls_devices.ibkey_unlock import (
    PASSCODE_RE,
    PIN_RE,
    AppLocked,
    IbKeyError,
    InvalidChoice,
    InvalidPasscode,
    InvalidPin,
    UnknownUser,
    UnlockRefused,
    WrongPasscode,
    WrongPin,
    hash_pin,
    own_pin_hash,
    validate_passcode,
    validate_pin,
    verify_pin,
)

__all__ = [
    "DECISIONS",
    "IBKEY_SUITE",
    "KEY_BYTES",
    "NONCE_BYTES",
    "PASSCODE_RE",
    "PIN_ATTEMPTS",
    "PIN_RE",
    "PLATFORMS",
    "AppLocked",
    "AppState",
    "Credential",
    "IbKeyApp",
    "IbKeyError",
    "InvalidChoice",
    "InvalidPasscode",
    "InvalidPin",
    "KeyContext",
    "Notification",
    "PendingActivation",
    "UnknownUser",
    "UnlockRefused",
    "WrongPasscode",
    "WrongPin",
    "agree",
    "canonical_transaction",
    "hash_pin",
    "new_agreement_key",
    "new_signing_key",
    "ocra_response",
    "own_pin_hash",
    "sign",
    "validate_passcode",
    "validate_pin",
    "verify_pin",
    "verify_signature",
]

PLATFORMS = ("android", "ios")
PIN_ATTEMPTS = 10
"""Wrong PINs in a row before the app disables its keys (NIST 800-63B-4 §3.2.10 allows at most 10)."""


# --- the app -------------------------------------------------------------------------------------------


class IbKeyApp:
    """The app's behaviour on an :class:`AppState`, mutated in place: the caller decides when to save."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    @classmethod
    def install(
        cls,
        app_id: str,
        platform: str,
        *,
        pin: str | None = None,
        biometric: bool = False,
        passcode: str | None = None,
    ) -> IbKeyApp:
        """A fresh app, its unlock set up the platform's way: a PIN on Android; on iOS Touch ID / Face ID,
        or the iPhone's passcode on an iPhone without them ("depending on your smartphone's security
        settings, you will be asked to use your Passcode, Touch ID, or Face ID")."""
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}")
        if platform == "android":
            if biometric or passcode is not None or pin is None:
                raise UnlockRefused("IB Key on Android is protected by a PIN", "pin")
            return cls(AppState(app_id, platform, pin_hash=hash_pin(pin)))
        if pin is not None or (biometric is True) == (passcode is not None):
            raise UnlockRefused(
                "IB Key on iOS is confirmed with Touch ID / Face ID, or the iPhone's passcode where they "
                "are not set up; not a PIN",
                "biometric",
            )
        if passcode is not None:
            return cls(AppState(app_id, platform, pin_hash=hash_pin(passcode, passcode=True)))
        return cls(AppState(app_id, platform, biometric=True))

    def unlock(
        self, *, pin: str | None = None, biometric: bool | None = None, passcode: str | None = None
    ) -> None:
        """Let the keys be used, or raise: a wrong PIN (or iPhone passcode) counts, and the app locks at
        ``PIN_ATTEMPTS``."""
        st = self.state
        if st.locked:
            raise AppLocked("IB Key is locked after too many wrong PINs; activate it again")
        if st.platform == "ios":
            if st.biometric:
                if pin is not None or passcode is not None or biometric is not True:
                    raise UnlockRefused(
                        "Touch ID / Face ID did not confirm; this app has no PIN", "biometric"
                    )
                return
            if pin is not None or biometric or passcode is None or st.pin_hash is None:
                raise UnlockRefused(
                    "Touch ID / Face ID is not set up on this iPhone: enter the iPhone's passcode", "passcode"
                )
            self._check(passcode, st.pin_hash, WrongPasscode)
            return
        if biometric or passcode is not None or pin is None or st.pin_hash is None:
            raise UnlockRefused("enter the IB Key PIN", "pin")
        self._check(pin, st.pin_hash, WrongPin)

    def _check(self, given: str, stored: str, wrong: type[WrongPin] | type[WrongPasscode]) -> None:
        """A PIN or passcode against its hash: right clears the count, wrong counts towards the lock."""
        st = self.state
        if verify_pin(given, stored):
            st.pin_failures = 0
            return
        st.pin_failures = min(st.pin_failures + 1, PIN_ATTEMPTS)
        st.locked = st.pin_failures >= PIN_ATTEMPTS
        raise wrong(attempts_left=PIN_ATTEMPTS - st.pin_failures)

    @property
    def unlocks_with(self) -> str:
        """What the app asks for: ``pin`` (Android), ``biometric`` or ``passcode`` (iOS)."""
        if self.state.platform == "android":
            return "pin"
        return "biometric" if self.state.biometric else "passcode"

    def set_biometrics(self, enabled: bool, *, passcode: str) -> None:
        """Touch ID / Face ID set up on the iPhone, or removed, in the phone's Settings: iOS asks for the
        passcode either way. The first time the simulated iPhone is given one (an app activated with
        biometrics), it becomes the phone's passcode; after that a wrong one counts as at an unlock."""
        st = self.state
        if st.platform != "ios":
            raise UnlockRefused("only an iPhone's IB Key uses Touch ID / Face ID", "pin")
        if st.locked:
            raise AppLocked("IB Key is locked after too many wrong passcodes; activate it again")
        if st.pin_hash is None:
            st.pin_hash = hash_pin(passcode, passcode=True)
        else:
            validate_passcode(passcode)
            self._check(passcode, st.pin_hash, WrongPasscode)
        st.biometric = enabled

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

    def remove_user(self, username: str) -> bool:
        """Drop a user's keys from the app (their account is gone: nothing they sign could work any more);
        whether the app held them. Needs no unlock: the server's side decided it, not the person holding
        the phone."""
        return self.state.users.pop(username, None) is not None

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

    def approve_by_itself(self, note: Notification, shown_match: str) -> dict[str, str]:
        """The approval of a phone set to approve every push as it arrives (a test hook: unattended scripts,
        push fatigue): signed as :meth:`approve` signs, with the number the login shows picked for the owner.
        No PIN or biometric is asked, as nothing would give it (the emulator does not know the PIN); a locked
        app approves nothing, as it signs nothing."""
        if shown_match not in note.candidates:
            raise InvalidChoice(f"pick one of the numbers shown: {', '.join(note.candidates)}")
        if self.state.locked:
            raise AppLocked("IB Key is locked after too many wrong PINs; activate it again")
        return self._signed(note, shown_match, "approve")

    def deny(self, note: Notification, **unlock: Any) -> dict[str, str]:
        """A signed refusal: only the phone can deny, so nobody else can kill a user's logins."""
        self.unlock(**unlock)
        return self._signed(note, "", "deny")

    def respond(self, challenge: str, *, username: str | None = None, **unlock: Any) -> str:
        credential = self._credential(username)
        self.unlock(**unlock)
        return ocra_response(credential.ocra_key, challenge)

"""IB Key as a factor: the server's half. Enrol (an SMS activation code), then at login a push with number
matching, or an OCRA challenge when the phone cannot take a push (roaming, notifications off).

The server's device record (one per user per phone) holds the user's Ed25519 *public* key, the agreed OCRA
key sealed, ``status`` (``pending_activation`` -> ``active`` -> ``replaced``/``revoked``), ``app_id`` (the
phone it lives on, so every user's pushes reach that phone's inbox), ``phone`` (the number the activation
code went to), ``handset`` (for a user added to a phone: that smartphone's number; roaming there, or at
``phone`` otherwise, means no push) and ``push_enabled`` (the app's notification setting, as the
app registers it). Nothing here reads the phone's own record: the phone's private keys never come here.

Enrolment and activation codes: ``factors.ibkey.activation``.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sls_devices import ibkey
from sls_devices.ocra import OcraSuite

from ...config import Settings
from ...errors import InvalidRequest
from ...events import EventLog
from ...secretbox import SealError, SecretBox
from ...secretbox import pepper as derive_pepper
from ...sim.phones import PhoneService
from ...store import Store
from ...store.ibkey import IbKeyRepo
from ...store.records import (
    CorruptRecord,
    DeviceChanges,
    DeviceRecord,
    LoginTxn,
    PromptFields,
    PushNotification,
)
from .. import Approval, Begin, Enrolment, Prompt, SealedField
from ..challenges import ChallengeIssuer, ChallengePolicy
from ..dscplus import DscPlusFactor
from ..errors import ChallengeSpaceExhausted
from .activation import ActivationCodes, seal_context

PENDING = "pending_activation"
_SUITE = OcraSuite.parse(ibkey.IBKEY_SUITE)


class IbKeyFactor:
    type = "ibkey"
    title = "IB Key (IBKR Mobile)"
    notice_name = title
    response_pattern = re.compile(r"^[0-9]{8}$")
    response_form = "8 digits"
    device_types: tuple[str, ...] = ("ibkey",)
    sealed_field: SealedField | None = "ocra_sealed"

    def __init__(
        self,
        box: SecretBox,
        store: Store,
        repo: IbKeyRepo,
        phones: PhoneService,
        events: EventLog,
        activation: ActivationCodes,
        issuer: ChallengeIssuer,
        *,
        push_limit: int,
        push_window: int,
        push_ttl: int,
    ) -> None:
        self._box = box
        self._store = store
        self.repo = repo
        self._phones = phones
        self._events = events
        self.activation = activation
        self._issuer = issuer
        self._push_limit = push_limit
        self._push_window = push_window
        self.push_ttl = push_ttl

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        box: SecretBox,
        store: Store,
        phones: PhoneService,
        events: EventLog,
        card: DscPlusFactor,
    ) -> IbKeyFactor:
        """Its Redis repository, and a pepper for activation codes derived from the server's secret key."""
        if settings.secret_key is None:
            raise ValueError("the IB Key factor needs the server's secret key")
        pepper = derive_pepper(settings.secret_key, b"sls ibkey activation code")
        repo = store.ibkey
        codes = ActivationCodes(
            box, store, repo, phones, card, events, pepper=pepper, ttl=settings.activation_code_ttl
        )
        limits = {"push_limit": settings.push_limit, "push_window": settings.push_window}
        issuer = ChallengeIssuer(store.devices, events, ChallengePolicy.from_settings(settings))
        return cls(box, store, repo, phones, events, codes, issuer, **limits, push_ttl=settings.push_ttl)

    # --- enrolment --------------------------------------------------------------------------

    def enrol(self, device_id: str, username: str, params: Mapping[str, Any], *, now: int) -> Enrolment:
        platform = params.get("platform")
        if platform not in ibkey.PLATFORMS:
            raise InvalidRequest("platform is required: android or ios", field="platform")
        fields, once = self.activation.issue(device_id, username, now=now)
        record: DeviceChanges = {"status": PENDING, "platform": platform, "push_enabled": True, **fields}
        return Enrolment(record, {"status": PENDING, "platform": platform, **once})

    # --- login steps ---------------------------------------------------------------------------------------

    def begin(self, device: DeviceRecord, step: Begin) -> Prompt:
        """A push with number matching, unless the phone roams, has notifications off, or has had its
        ``SLS_PUSH_LIMIT`` pushes in the window: then a challenge."""
        if step.mode == "challenge":  # "use challenge/response instead", asked for on the login page
            return self._challenge(device, step, "requested")
        number = device.handset or device.phone  # the smartphone, for an added user too
        conditions = self._phones.conditions(number) if number else None
        if conditions and conditions.roaming:
            return self._challenge(device, step, "roaming")
        if device.push_enabled is False:
            return self._challenge(device, step, "notifications_off")
        if device.app_id is None:
            raise CorruptRecord(f"IB Key {device.device_id} is on no phone")
        if step.held:  # no push until the user chooses IB Key (a switch pushes then); no nonce: none approves
            return Prompt({"mode": "push", "held": True}, {"mode": "push"}, self.push_ttl)
        wait = self._store.phones.hit(
            "push",
            step.username,
            now=step.now,
            window_s=self._push_window,
            limit=self._push_limit,
            member=secrets.token_hex(8),
        )
        if wait:  # repeatable by whoever has the password: counted per user and window, not each written
            self._events.record_flood(
                "push.rate_limited",
                per="user",
                at=step.now,
                user=step.username,
                ip=step.ip,
                factor=self.type,
                device_id=device.device_id,
            )
            # Not a refusal: a login that may not buzz the phone again is answered in the app instead, by
            # challenge/response, as the broker's "IB Key without notifications" describes. The pushes stop
            # for whoever floods them, and the user holding the phone can still log in.
            return self._challenge(device, step, "push_limited")
        match, shown = draw_numbers()
        nonce = draw_nonce()
        notification_id = secrets.token_hex(8)
        notification = PushNotification(
            id=notification_id,
            txn_id=step.txn_id,
            username=step.username,
            device_id=device.device_id,
            nonce=nonce,
            candidates=tuple(shown),
            purpose=step.purpose,
            sent_at=step.now,
            expires_at=min(step.now + self.push_ttl, step.dies_at or step.now + self.push_ttl),
        )
        self.repo.deliver(device.app_id, notification, now=step.now)
        self._events.record(
            "push.sent",
            at=step.now,
            user=step.username,
            ip=step.ip,
            factor=self.type,
            device_id=device.device_id,
            detail={"notification_id": notification_id, "purpose": step.purpose},
        )
        remembered: PromptFields = {
            "mode": "push",
            "match": match,
            "nonce": nonce,
            "notification_id": notification_id,
        }
        by_itself = bool(conditions and conditions.approves_pushes)
        return Prompt(
            {"mode": "push", "match": match}, remembered, self.push_ttl, approves_by_itself=by_itself
        )

    def _challenge(self, device: DeviceRecord, step: Begin, reason: str) -> Prompt:
        """A 6-digit challenge the device does not remember, within the issuance limits (as a DSC+ card's:
        ``factors.challenges``)."""
        challenge = self._issuer.issue(_SUITE, device, step)
        if challenge is None:
            raise ChallengeSpaceExhausted(
                "No challenge this IB Key does not remember could be drawn; try again."
            )
        return Prompt(
            {"mode": "challenge", "challenge": challenge, "reason": reason},
            {"mode": "challenge", "challenge": challenge},
        )

    def check(self, device: DeviceRecord, txn: LoginTxn, response: str, *, now: int) -> bool:
        if txn.mode != "challenge" or txn.challenge is None or device.ocra_sealed is None:
            return False
        key = self._box.open(device.ocra_sealed, context=seal_context(device.device_id))
        expected = ibkey.ocra_response(key, txn.challenge)
        return hmac.compare_digest(expected.encode(), response.encode())

    def holder_response(self, device: DeviceRecord, challenge: str) -> str | None:
        """The response the user's app shows for ``challenge`` once she has unlocked it (same OCRA key: the
        phone and the server agreed it at activation); None for an IB Key never activated. The staged phishing
        relay's victim types it (``sim.relay``); the emulator does not know her app's PIN, so it computes
        what the unlocked app would."""
        if device.ocra_sealed is None:
            return None
        key = self._box.open(device.ocra_sealed, context=seal_context(device.device_id))
        return ibkey.ocra_response(key, challenge)

    def check_stored(self, device: DeviceRecord) -> None:
        """Once activated, the phone's public key and the OCRA key it agreed (a device revoked before its
        activation never had them)."""
        if device.platform not in ibkey.PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(ibkey.PLATFORMS)}")
        if device.status == "active" and None in (device.public_key, device.ocra_sealed, device.app_id):
            raise ValueError("an active IB Key needs its app_id, public_key and ocra_sealed")
        if device.public_key is not None:
            try:
                public = bytes.fromhex(device.public_key)
            except ValueError:
                public = b""
            if len(public) != ibkey.KEY_BYTES:
                raise ValueError(f"public_key must be {ibkey.KEY_BYTES} bytes in hex")
        if device.ocra_sealed is not None:
            try:
                key = self._box.open(device.ocra_sealed, context=seal_context(device.device_id))
            except SealError:
                raise ValueError("its sealed OCRA key does not open") from None
            if len(key) != ibkey.KEY_BYTES:
                raise ValueError("its sealed OCRA key is not one this server agrees")

    def check_approval(
        self, device: DeviceRecord, txn: LoginTxn, answer: Mapping[str, Any], *, now: int
    ) -> Approval:
        """The signature over the transaction as the server remembers it, and (to approve) the right number.

        A deny carries no number: the signature alone proves it came from the phone. A wrong number under
        the phone's own signature is told apart: number matching exists to stop an approval given blindly,
        and a login that let the user try each of the three numbers in turn would stop nothing.
        """
        decision, match, signature = answer.get("decision"), answer.get("match"), answer.get("signature")
        if txn.mode != "push" or device.public_key is None or decision not in ibkey.DECISIONS:
            return "forged"
        if txn.nonce is None or txn.match is None:
            return "forged"
        if not isinstance(match, str) or not isinstance(signature, str):
            return "forged"
        for name, ours in (("txn_id", txn.txn_id), ("nonce", txn.nonce)):  # echoed by the app, if at all
            echoed = answer.get(name)
            if echoed is not None and not (
                isinstance(echoed, str) and hmac.compare_digest(echoed.encode(), ours.encode())
            ):
                return "forged"
        try:
            raw_signature = bytes.fromhex(signature)
        except ValueError:
            return "forged"
        message = ibkey.canonical_transaction(
            txn_id=txn.txn_id,
            username=txn.username,
            device_id=device.device_id,
            nonce=txn.nonce,
            match=match,
            decision=decision,
        )
        if not ibkey.verify_signature(bytes.fromhex(device.public_key), message, raw_signature):
            return "forged"
        if decision == "deny" or hmac.compare_digest(match.encode(), txn.match.encode()):
            return "valid"
        return "wrong_number"


def draw_numbers() -> tuple[str, list[str]]:
    """Number matching: the two-digit number the login page shows, and the three the app offers, it among
    them in a random order. Uniform over 10..99, so a blind pick in the app is right one time in three and a
    guess of the number itself one time in ninety (tests/unit/test_randomness.py)."""
    match = str(10 + secrets.randbelow(90))
    candidates = {match}
    while len(candidates) < 3:
        candidates.add(str(10 + secrets.randbelow(90)))
    shown = list(candidates)
    secrets.SystemRandom().shuffle(shown)
    return match, shown


def draw_nonce() -> str:
    """A push's nonce, which the app's signature covers: 256 bits from the OS's CSPRNG, so an approval
    signed for one push never matches another (tests/unit/test_randomness.py draws 10,000)."""
    return secrets.token_bytes(ibkey.NONCE_BYTES).hex()

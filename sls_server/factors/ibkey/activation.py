"""IB Key activation, the server's half: text an activation code, then spend it in the one step that stores
the phone's public key and the agreed OCRA key.

Codes are 8 digits from ``secrets``, kept only as an HMAC-SHA256 digest under a pepper derived from the
server's secret key (a Redis dump does not hand them to a 10^8 brute force), valid ``activation_code_ttl``
seconds (10 minutes at most: NIST 800-63B-4 §4.1.2.2), good once, dead after five wrong tries; the check,
the count and the activation are one Lua step (``ibkey_activate.lua``), so racing requests get one winner.

Migration (an IB Key enrolled for a user who has an active one): the code goes to the number the active one
was activated with, as the seed says, "unless you have a physical security device active for your user":
then no text is sent, the new phone shows a challenge from that card, and the card's 8-digit response is the
activation code (the server knows the card's key, so it keeps only the digest of the expected response, as
for a texted code). The old IB Key is replaced when the new one activates.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sls_devices import ibkey
from sls_devices.dscplus import expected_response
from sls_devices.phone import activation_code_text

from ...errors import InvalidRequest, UnknownDevice
from ...events import EventLog
from ...secretbox import SecretBox
from ...sim.phones import PhoneService
from ...store import Store
from ...store.ibkey import IbKeyRepo
from ...store.records import DeviceChanges, DeviceRecord
from .. import Begin, sealed_to
from ..dscplus import DscPlusFactor
from ..errors import ActivationCodeExpired, ActivationCodeUsed, ActivationTriesSpent, InvalidActivationCode

ACTIVATION_ATTEMPTS = 5
#: Activation codes (or card responses) tried by one user in :data:`ACTIVATION_TRIES_WINDOW_S`, whichever of
#: their new IB Keys, before none is judged (429): a new code must not give five fresh guesses (NIST SP
#: 800-63B-4: a new code does not reset the count). A right one forgets them.
ACTIVATION_TRIES_PER_USER = 20
ACTIVATION_TRIES_WINDOW_S = 86_400


def seal_context(device_id: str) -> str:
    """What the server's copy of a device's OCRA key is sealed to (a copied ciphertext does not open)."""
    return sealed_to("ibkey", device_id)


class ActivationCodes:
    def __init__(
        self,
        box: SecretBox,
        store: Store,
        repo: IbKeyRepo,
        phones: PhoneService,
        card: DscPlusFactor,
        events: EventLog,
        *,
        pepper: bytes,
        ttl: int,
    ) -> None:
        self._events = events
        self._box = box
        self._store = store
        self._repo = repo
        self._phones = phones
        self._card = card
        self._pepper = pepper
        self._ttl = ttl

    def issue(self, device_id: str, username: str, *, now: int) -> tuple[DeviceChanges, dict[str, Any]]:
        """Text a code, or (a migration, with a card active) show a card challenge; (fields for the device
        record, what the enrolling client sees: never the code)."""
        original = self._original_number(username)
        card = self._active_card(username) if original else None
        if card is not None:
            return self._issue_by_card(device_id, username, card, now=now)
        user = self._store.users.get(username)
        number = original or (user.phone if user else None)
        if not number:
            raise InvalidRequest(
                "IB Key activation needs the user's phone number for the code", field="phone"
            )
        code = f"{secrets.randbelow(10**8):08d}"
        text = activation_code_text(code, valid_s=self._ttl)
        # asked for by an enrolment, not by a login or step-up: no client address to name
        sms = self._phones.send_sms(number, text, now=now, user=username, ip=None, purpose="ibkey_activation")
        expires_at = now + self._ttl
        record: DeviceChanges = {
            "phone": number,
            "activation_digest": self.digest(device_id, code),
            "activation_expires_at": expires_at,
        }
        once = {"activation": "sms", "sent_to": sms["sent_to"], "activation_expires_at": expires_at}
        return record, once

    def _issue_by_card(
        self, device_id: str, username: str, card: DeviceRecord, *, now: int
    ) -> tuple[DeviceChanges, dict[str, Any]]:
        """The seed's exception: a fresh challenge from the user's card (never one it was given before),
        answered on the card with its PIN; its response activates the new phone."""
        prompt = self._card.begin(card, Begin(device_id, username, now, purpose="ibkey_migration"))
        challenge = str(prompt.shown["challenge"])
        state = self._card.open_state(card)
        answer = expected_response(state.key, state.pin_sha1, challenge)
        expires_at = now + self._ttl
        record: DeviceChanges = {
            "activation_digest": self.digest(device_id, answer),
            "activation_expires_at": expires_at,
            "activation_card": card.device_id,
            "activation_challenge": challenge,  # the new phone shows it, as the migration's answer does
        }
        original = self._original_number(username)
        if original:
            record["phone"] = original
        once = {
            "activation": "card",
            "card_device_id": card.device_id,
            "challenge": challenge,
            "activation_expires_at": expires_at,
        }
        return record, once

    def _active_card(self, username: str) -> DeviceRecord | None:
        """A physical security device active for the user (their own card or one shared with them)."""
        for device in self._store.devices.get_many(self._store.users.device_ids(username)):
            usable = device.status == "active" and not device.factor_locked and not device.locked
            if device.type == "dscplus" and usable and username in device.users:
                return device
        return None

    def _original_number(self, username: str) -> str | None:
        """Migrating: the number the user's active IB Key was activated with."""
        for device in self._store.devices.get_many(self._store.users.device_ids(username)):
            if device.type == "ibkey" and device.status == "active" and device.phone:
                return device.phone
        return None

    def digest(self, device_id: str, code: str) -> str:
        return hmac.new(self._pepper, f"{device_id}:{code}".encode(), hashlib.sha256).hexdigest()

    def activate(
        self,
        device_id: str,
        *,
        username: str,
        code: str,
        app_id: str,
        signing_public: bytes,
        agreement_public: bytes,
        now: int,
        ip: str | None = None,
    ) -> bytes:
        """Spend the code, store the public key and the agreed OCRA key; return the server's X25519 half.

        The server's X25519 private key lives only for this call: what it keeps is the derived key, sealed.
        A refused code is an attempt on the user's second factor, so it goes in the audit trail (never the
        code): ``ibkey.activation_failed`` for each wrong or dead code, and ``ibkey.activation_code_burnt``
        once, by the attempt that killed it (the fifth wrong one, or the first past its validity: the
        script reports each of those once, ``ibkey_activate.lua``).
        """
        device = self._store.devices.get(device_id)
        if not device or device.type != "ibkey" or device.owner != username:
            raise UnknownDevice("No IB Key of that user has that id.")
        server_key, server_public = ibkey.new_agreement_key()
        context = ibkey.KeyContext(device_id, username, agreement_public, server_public)
        ocra_key = ibkey.agree(server_key, agreement_public, context)
        fields: DeviceChanges = {
            "status": "active",
            "app_id": app_id,
            "public_key": signing_public.hex(),
            "activated_at": now,
            "ocra_sealed": self._box.seal(ocra_key, context=seal_context(device_id)),
        }
        member = secrets.token_hex(8)  # this try's place in the user's window, taken before it is judged
        wait = self._store.phones.hit(
            "activation_code",
            username,
            now=now,
            window_s=ACTIVATION_TRIES_WINDOW_S,
            limit=ACTIVATION_TRIES_PER_USER,
            member=member,
        )
        if wait:
            raise ActivationTriesSpent(retry_after=wait)
        status, left = self._repo.activate(
            device_id,
            now=now,
            digest=self.digest(device_id, code),
            max_failures=ACTIVATION_ATTEMPTS,
            fields=fields,
        )
        if status == "ok":
            self._store.phones.forget_window("activation_code", username)
        elif status != "wrong":  # no code was judged: the try is given back
            self._store.phones.unhit("activation_code", username, member)
        if status in ("wrong", "expired", "burnt"):
            self._refused(device_id, username, status, left, now=now, ip=ip)
        if status == "wrong":
            raise InvalidActivationCode(attempts_left=left)
        if status in ("expired", "burnt"):
            raise ActivationCodeExpired()
        if status == "used":
            raise ActivationCodeUsed()
        if status != "ok":
            raise UnknownDevice("That IB Key is not waiting for activation.")
        return server_public

    def _refused(
        self, device_id: str, username: str, status: str, left: int, *, now: int, ip: str | None
    ) -> None:
        """Record a refused code: why, the tries it leaves, and the code's death if this attempt killed it."""
        reason = {"wrong": "wrong_code", "expired": "expired", "burnt": "code_dead"}[status]
        detail: dict[str, Any] = {"reason": reason}
        if status == "wrong":
            detail["attempts_left"] = left
        types = ["ibkey.activation_failed"]
        if status == "expired" or (status == "wrong" and left == 0):
            types.append("ibkey.activation_code_burnt")
        for type_ in types:
            burnt = type_ == "ibkey.activation_code_burnt"
            self._events.record(
                type_,
                at=now,
                user=username,
                ip=ip,
                factor="ibkey",
                device_id=device_id,
                result=None if burnt else "failure",
                detail={"reason": "too_many_wrong_codes" if reason == "wrong_code" else reason}
                if burnt
                else detail,
            )

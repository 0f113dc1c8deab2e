"""SMS and voice-callback codes as factors: a 6-digit code sent to the user's phone, typed back at login.

The phone network is simulated by :class:`~sls_server.sim.phones.PhoneService` (conditions, inboxes, send
limits); these factors only decide the code and check it. NIST SP 800-63B treats the PSTN as a
*restricted* authenticator, and the out-of-band rules shape what is here:

* the code comes from ``secrets`` (6 digits, about 20 bits: ASVS 6.5.4) and lives ``sms_code_ttl``;
* the transaction keeps it sealed (AES-GCM) with the transaction id as associated data, so a Redis dump
  shows no code and a sealed code copied into another login does not open (ASVS 6.6.2: bound to its login);
* a new code (``POST .../factor``) overwrites the sealed one, so the old code dies, while the attempt
  count carries over (``SecondFactor.switch``): asking for codes does not buy more guesses;
* each send is rate-limited per account and per number before anything is sent (429 ``rate_limited``).
"""

from __future__ import annotations

import abc
import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sls_devices.phone import mask_number, security_code_text, voice_transcript

from ..errors import InvalidRequest
from ..secretbox import SealError, SecretBox
from ..sim.phones import PhoneService
from ..store.records import CorruptRecord, DeviceRecord, LoginTxn
from ..store.users import UserRepo
from . import Begin, Enrolment, Prompt, SealedField

CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_context(txn_id: str) -> str:
    """The associated data that binds a sealed code to one login transaction."""
    return f"oob-code:{txn_id}"


class _PhoneCodeFactor(abc.ABC):
    """What SMS and voice share: enrol the user's phone, seal the code into the transaction, check it.
    Each says how the code reaches the phone (:meth:`_deliver`) and what it is called."""

    type: str
    title: str
    notice_name: str
    label_prefix: str
    response_pattern = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")
    response_form = f"{CODE_DIGITS} digits"
    device_types: tuple[str, ...]
    sealed_field: SealedField | None = None

    def __init__(self, box: SecretBox, phones: PhoneService, users: UserRepo, *, code_ttl: int) -> None:
        self._box = box
        self._phones = phones
        self._users = users
        self._code_ttl = code_ttl

    def enrol(self, device_id: str, username: str, params: Mapping[str, Any], *, now: int) -> Enrolment:
        """The phone on the user's record: the emulator's stand-in for a number validated beforehand."""
        user = self._users.get(username)
        number = user.phone if user else None
        if not number:
            raise InvalidRequest("the user has no phone number; set one first", field="phone")
        given = params.get("label")
        label = given if isinstance(given, str) and given else f"{self.label_prefix} {mask_number(number)}"
        return Enrolment({"number": number, "label": label})

    def begin(self, device: DeviceRecord, step: Begin) -> Prompt:
        number = device.number
        if number is None:
            raise CorruptRecord(f"phone device {device.device_id} has no number")
        if step.held:  # nothing sent, no code sealed: no answer matches until a switch sends one
            return Prompt({**self._shown(number), "held": True}, expires_in=self._code_ttl)
        # Counted before sending: a refused send must neither reach the phone nor replace the live code.
        self._phones.limit(step.username, number, now=step.now, ip=step.ip)
        code = new_code()
        self._deliver(number, code, step)
        sealed = self._box.seal(code.encode(), context=code_context(step.txn_id))
        return Prompt(self._shown(number), {"code_sealed": sealed}, expires_in=self._code_ttl)

    def check(self, device: DeviceRecord, txn: LoginTxn, response: str, *, now: int) -> bool:
        """The code sealed on this transaction (the field holds it sealed, never in clear)."""
        sealed = txn.code_sealed
        if not sealed:
            return False
        try:
            expected = self._box.open(sealed, context=code_context(txn.txn_id))
        except SealError:
            # Sealed under another key or moved from another login: it cannot match; refuse, fail closed.
            return False
        return hmac.compare_digest(expected, response.encode())

    def check_stored(self, device: DeviceRecord) -> None:
        """A phone device keeps no secret (each code is sealed on its login): it needs its number, whose form
        the import checks with the users' numbers."""
        if device.number is None:
            raise ValueError("a phone device needs its number")

    @abc.abstractmethod
    def _deliver(self, number: str, code: str, step: Begin) -> None:
        """Send ``code`` to ``number`` (a text, a call), through the simulated carrier."""

    def _shown(self, number: str) -> dict[str, Any]:
        return {"sent_to": mask_number(number)}

    def _valid_s(self, step: Begin) -> int:
        """What the code's text may promise: its TTL, or less when the login ends sooner (a late switch)."""
        if step.dies_at is None:
            return self._code_ttl
        return max(min(self._code_ttl, step.dies_at - step.now), 0)


class SmsFactor(_PhoneCodeFactor):
    type = "sms"
    title = "SMS"
    notice_name = "phone number for SMS codes"
    label_prefix = "SMS"
    device_types: tuple[str, ...] = ("sms",)

    def _deliver(self, number: str, code: str, step: Begin) -> None:
        text = security_code_text(code, valid_s=self._valid_s(step))
        # A carrier that blocks texts drops it silently: the login still says where it was sent, as at IB.
        self._phones.send_sms(
            number, text, now=step.now, user=step.username, ip=step.ip, purpose=step.purpose
        )


class VoiceFactor(_PhoneCodeFactor):
    """A voice callback reading the code; it runs on the phone enrolled for SMS too (the IB fallback)."""

    type = "voice"
    title = "voice callback"
    notice_name = "phone number for voice callbacks"
    label_prefix = "Voice"
    device_types: tuple[str, ...] = ("voice", "sms")

    def _deliver(self, number: str, code: str, step: Begin) -> None:
        self._phones.call(
            number,
            voice_transcript(code),
            code=code,
            now=step.now,
            user=step.username,
            ip=step.ip,
            purpose=step.purpose,
        )

    def _shown(self, number: str) -> dict[str, Any]:
        return {"sent_to": mask_number(number), "channel": "voice"}

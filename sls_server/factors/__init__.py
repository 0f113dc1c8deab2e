"""Second factors: one module per authenticator type, registered by name.

A factor enrols a device (what it stores, what it hands out once), begins a login step on it (the
prompt the page shows and what the transaction must remember) and checks an answer. Adding an
authenticator is one module here (and its model in ``sls_devices/``) plus one line in ``wiring.build_core``.

May import devices (the algorithms), store, events, errors, config and ``sim.phones`` (the carrier that
delivers codes); never Flask, auth, accounts or http.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sls_devices.phone import mask_number

from ..frozen import frozen
from ..store.records import DeviceChanges, DeviceRecord, LoginTxn, PromptFields
from .errors import UnsupportedDeviceType

#: The device record's field a factor keeps its sealed secret in (an IB Key's is its copy of the OCRA key).
SealedField = Literal["sealed", "ocra_sealed"]


def sealed_to(device_type: str, device_id: str) -> str:
    """What a device's secret is sealed to (the box's associated data): its type and id, so a ciphertext
    copied into another device's record, or read as another type's, does not open."""
    return f"{device_type}:{device_id}"


@dataclass(frozen=True)
class Enrolment:
    record: DeviceChanges
    """The type's own fields of the device record (secrets already sealed)."""
    once: dict[str, Any] = field(default_factory=dict)
    """Fields returned to the enrolling admin one time only (a card's key, like a token import file)."""


@frozen
class Prompt:
    shown: dict[str, Any]
    """What the login page shows, merged into the ``factor`` object of the response."""
    remembered: PromptFields = field(default_factory=lambda: PromptFields())
    """What the login transaction keeps to check the answer."""
    expires_in: int | None = None
    """Seconds this prompt stays answerable; None: the configured challenge TTL."""
    approves_by_itself: bool = False
    """A push whose phone approves pushes by itself (the phone condition ``approves_pushes``, read with
    its others as the push was sent): the approval is asked for once the login is stored, and only then,
    so a push to any other phone costs no read more."""


@frozen
class Begin:
    """Who a login step is for: factors that send something (SMS, a push) need to say where and for what."""

    txn_id: str
    username: str
    now: int
    purpose: str = "login"
    mode: str | None = None
    """``"challenge"``: the user asked for challenge/response instead of a push (the IB Key page's link)."""
    dies_at: int | None = None
    """The login's absolute end (``LIFETIME_TTLS`` challenge TTLs from its start): what the step sends (a
    push) must not outlive it, or the phone would offer what the login refuses."""
    ip: str | None = None
    """The address the login or switch came from: the trail names it beside what was sent (a push bombing's
    pushes are the attacker's)."""
    held: bool = False
    """The user has yet to choose a device (M2FS, on a login page that asks first): a code for the phone or
    an IB Key push is neither sent nor counted against its limit until they choose it (a switch sends it
    then), as the broker texts a code only once SMS is chosen. A factor that sends nothing ignores it."""


class Factor(Protocol):
    type: str
    title: str
    """What the user calls it in a list or a report ("Logins asked for SMS (3)")."""
    notice_name: str
    """What a notice calls the device ("A new {notice_name} was added", "Your {notice_name} was removed"):
    for SMS and voice that is the phone number, not the messages or the call."""
    response_pattern: re.Pattern[str]
    response_form: str
    """``response_pattern`` in words ("8 digits"), for the 400 that refuses an answer of another form."""
    device_types: tuple[str, ...]
    """The device types this factor runs on (voice callbacks run on the phone enrolled for SMS)."""
    sealed_field: SealedField | None
    """Where a device of this factor's own type keeps its secret, sealed to :func:`sealed_to`; None: it
    keeps none (a phone: the codes are drawn for each login)."""

    def enrol(self, device_id: str, username: str, params: Mapping[str, Any], *, now: int) -> Enrolment: ...

    def begin(self, device: DeviceRecord, step: Begin) -> Prompt: ...

    def check(self, device: DeviceRecord, txn: LoginTxn, response: str, *, now: int) -> bool: ...

    def check_stored(self, device: DeviceRecord) -> None:
        """Raise ``ValueError`` (a reason that shows no secret) unless this server could use ``device`` as
        stored: its sealed secret opens under this server's key, as what this factor seals, and its settings
        are ones the factor works with. A state import asks it of every device before writing anything, so a
        record it accepted cannot fail a login later with a 500."""
        ...


#: What a signed answer from the app proves: ``valid`` (this login's approval or denial), ``wrong_number``
#: (the phone's own signature over a number the login does not show: a user approving without looking, so the
#: login ends), ``forged`` (anything else: not signed by this device over this login).
Approval = Literal["valid", "wrong_number", "forged"]


class ApprovalFactor(Factor, Protocol):
    """A factor answered out of band (IB Key push): the login waits until the device approves or denies."""

    def check_approval(
        self, device: DeviceRecord, txn: LoginTxn, answer: Mapping[str, Any], *, now: int
    ) -> Approval: ...


class FactorRegistry:
    def __init__(self, factors: list[Factor]) -> None:
        self._factors = {factor.type: factor for factor in factors}

    def get(self, type_: str) -> Factor:
        try:
            return self._factors[type_]
        except KeyError:
            raise UnsupportedDeviceType(
                f"unsupported device type {type_!r}; this server knows: {', '.join(self.types())}",
                field="type",
            ) from None

    def types(self) -> list[str]:
        return sorted(self._factors)

    def entry_label(self, factor_type: str, device: DeviceRecord) -> str | None:
        """How a login lists ``device`` for ``factor_type``: the device's own label, unless the device serves
        another factor too (the phone enrolled for SMS also takes voice callbacks), which is named for it."""
        if factor_type == device.type or device.number is None:
            return device.label
        return f"{self.get(factor_type).title.capitalize()} {mask_number(device.number)}"

    def check_stored(self, device: DeviceRecord) -> None:
        """``ValueError`` unless ``device`` is of a type this server knows and its factor could use it."""
        factor = self._factors.get(device.type)
        if factor is None or device.type not in factor.device_types:
            raise ValueError(f"type {device.type!r} is not a device type this server knows")
        factor.check_stored(device)

    def sealed_field(self, device: DeviceRecord) -> SealedField | None:
        """The field holding ``device``'s sealed secret (None: it has none, or is of no type known here)."""
        factor = self._factors.get(device.type)
        return factor.sealed_field if factor is not None else None

    def serving(self, device_type: str) -> list[Factor]:
        """Every factor a device of this type can answer, its own type first."""
        found = [f for f in self._factors.values() if device_type in f.device_types]
        return sorted(found, key=lambda f: (f.type != device_type, f.type))

"""What the IBKR Mobile app holds on a phone (:class:`AppState`, one :class:`Credential` per user activated on
it), what it receives (:class:`Notification`) and the key pairs of an activation in progress
(:class:`PendingActivation`). Plain records: the behaviour is :class:`sls_devices.ibkey.IbKeyApp`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Notification:
    """A push as the app receives it."""

    id: str
    txn_id: str
    username: str
    device_id: str
    nonce: str
    candidates: tuple[str, ...]
    expires_at: int


@dataclass
class Credential:
    """One user's keys on the phone, and the server device record they belong to."""

    username: str
    device_id: str
    signing_key: bytes
    ocra_key: bytes


@dataclass(frozen=True)
class PendingActivation:
    signing_key: bytes
    signing_public: bytes
    agreement_key: bytes
    agreement_public: bytes


@dataclass
class AppState:
    app_id: str
    platform: str
    pin_hash: str | None = None
    biometric: bool = False
    notifications: bool = True
    pin_failures: int = 0
    locked: bool = False
    users: dict[str, Credential] = field(default_factory=dict)

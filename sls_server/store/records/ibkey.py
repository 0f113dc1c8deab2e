"""IB Key on the simulated phone: the app's record (``keys.ibkey_app``) and the pushes in its inbox
(``keys.ibkey_inbox``: one JSON value per notification id)."""

from __future__ import annotations

import json
from dataclasses import field
from typing import Any

from ...frozen import frozen
from .codec import Fields, dataclass_fields, json_record, json_text, record_from_json, to_hash


@frozen
class AppUser:
    """One user on the phone: their server device, and their private keys sealed for this phone."""

    device_id: str
    sealed: str = field(repr=False)


@frozen
class AppRecord:
    app_id: str
    platform: str
    biometric: bool
    notifications: bool
    pin_failures: int
    locked: bool
    users: dict[str, AppUser] = field(default_factory=dict, repr=False)
    pending: dict[str, str] = field(default_factory=dict)
    """Users being added: username -> the server device waiting for activation."""
    pin_sealed: str | None = field(default=None, repr=False)
    number: str | None = None
    """The smartphone's own number (roaming is judged on it)."""
    version: int = 0

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> AppRecord:
        f = Fields("IB Key app", raw)
        users = json.loads(f.maybe_text("users") or "{}")
        notifications = f.maybe_flag("notifications")
        return cls(
            app_id=f.text("app_id"),
            platform=f.text("platform"),
            biometric=f.flag("biometric"),
            notifications=True if notifications is None else notifications,  # on unless switched off
            pin_failures=f.count("pin_failures"),
            locked=f.flag("locked"),
            users={
                str(name): AppUser(str(entry["device_id"]), str(entry["sealed"]))
                for name, entry in users.items()
            },
            pending={str(k): str(v) for k, v in json.loads(f.maybe_text("pending") or "{}").items()},
            pin_sealed=f.maybe_text("pin_sealed"),
            number=f.maybe_text("number"),
            version=f.count("version"),
        )

    def to_hash(self) -> dict[str, str]:
        users = {name: {"device_id": u.device_id, "sealed": u.sealed} for name, u in self.users.items()}
        fields = dataclass_fields(self, skip=("users", "pending"))
        return {**to_hash(fields), "users": json.dumps(users), "pending": json.dumps(self.pending)}


@frozen
class PushNotification:
    id: str
    txn_id: str
    username: str
    device_id: str
    nonce: str
    candidates: tuple[str, ...]
    """The numbers the app offers; one of them is shown on the login page (number matching)."""
    purpose: str
    sent_at: int
    expires_at: int

    def as_dict(self) -> dict[str, Any]:
        return json_record(self)

    def to_json(self) -> str:
        return json_text(self.as_dict())

    @classmethod
    def from_json(cls, raw: str) -> PushNotification:
        return record_from_json(cls, raw)

"""A number's network conditions (``keys.phone_conditions``), and the texts and calls a handset keeps
(``keys.phone_box``: JSON lists, newest first)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .codec import Fields, dataclass_fields, to_hash


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class PhoneConditions:
    """What the carrier does with this number; no record means the normal network."""

    carrier_blocks_sms: bool = False
    roaming: bool = False
    delivery_delay_s: int | None = None
    sim_swapped_to: str | None = None

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> PhoneConditions:
        f = Fields("phone conditions", raw)
        return cls(
            carrier_blocks_sms=f.flag("carrier_blocks_sms"),
            roaming=f.flag("roaming"),
            delivery_delay_s=f.maybe_integer("delivery_delay_s"),
            sim_swapped_to=f.maybe_text("sim_swapped_to"),
        )

    def to_hash(self) -> dict[str, str]:
        return to_hash(dataclass_fields(self))


@dataclass(frozen=True, slots=True)
class TextMessage:
    id: str
    at: int
    """When it reaches the handset (later than ``sent_at`` on a slow network)."""
    sent_at: int
    sender: str
    to: str
    text: str
    code: str | None
    """The code the text carries, for scripts; the simulated handset is the user's, not the server's."""
    purpose: str

    def as_dict(self) -> dict[str, Any]:
        """The stored (and shown) form: ``from`` is a keyword in Python, ``sender`` here."""
        return {
            "id": self.id,
            "at": self.at,
            "sent_at": self.sent_at,
            "from": self.sender,
            "to": self.to,
            "text": self.text,
            "code": self.code,
            "purpose": self.purpose,
        }

    def to_json(self) -> str:
        return _json(self.as_dict())

    @classmethod
    def from_json(cls, raw: str) -> TextMessage:
        d = json.loads(raw)
        return cls(
            id=str(d["id"]),
            at=int(d["at"]),
            sent_at=int(d["sent_at"]),
            sender=str(d["from"]),
            to=str(d["to"]),
            text=str(d["text"]),
            code=None if d.get("code") is None else str(d["code"]),
            purpose=str(d["purpose"]),
        )


@dataclass(frozen=True, slots=True)
class VoiceCall:
    id: str
    at: int
    sender: str
    to: str
    transcript: str
    code: str | None
    purpose: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "from": self.sender,
            "to": self.to,
            "transcript": self.transcript,
            "code": self.code,
            "purpose": self.purpose,
        }

    def to_json(self) -> str:
        return _json(self.as_dict())

    @classmethod
    def from_json(cls, raw: str) -> VoiceCall:
        d = json.loads(raw)
        return cls(
            id=str(d["id"]),
            at=int(d["at"]),
            sender=str(d["from"]),
            to=str(d["to"]),
            transcript=str(d["transcript"]),
            code=None if d.get("code") is None else str(d["code"]),
            purpose=str(d["purpose"]),
        )

"""A number's network conditions (``keys.phone_conditions``), and the texts and calls a handset keeps
(``keys.phone_box``: JSON lists, newest first)."""

from __future__ import annotations

from typing import Any

from ...frozen import frozen
from .codec import Fields, dataclass_fields, json_record, json_text, record_from_json, to_hash

#: A text's and a call's ``sender`` is ``from`` as stored and shown (a keyword in Python).
_FROM = {"sender": "from"}


@frozen
class PhoneConditions:
    """What the carrier does with this number; no record means the normal network."""

    carrier_blocks_sms: bool = False
    roaming: bool = False
    delivery_delay_s: int | None = None
    sim_swapped_to: str | None = None
    needs_restart: bool | None = None
    """True while the phone takes no texts until restarted; None otherwise (absent, as in documents saved
    before it existed)."""
    roaming_loses_every: int | None = None
    """While roaming, every Nth text is lost; None for none (absent in documents saved before it existed)."""
    approves_pushes: bool | None = None
    """True while the phone's IB Key approves each push by itself; None otherwise (absent, as in documents
    saved before it existed)."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> PhoneConditions:
        f = Fields("phone conditions", raw)
        return cls(
            carrier_blocks_sms=f.flag("carrier_blocks_sms"),
            roaming=f.flag("roaming"),
            delivery_delay_s=f.maybe_integer("delivery_delay_s"),
            sim_swapped_to=f.maybe_text("sim_swapped_to"),
            needs_restart=f.maybe_flag("needs_restart") or None,
            roaming_loses_every=f.maybe_integer("roaming_loses_every") or None,
            approves_pushes=f.maybe_flag("approves_pushes") or None,
        )

    def to_hash(self) -> dict[str, str]:
        return to_hash(dataclass_fields(self))


@frozen
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
    seq: int | None = None
    """Its place among everything the handset was sent (texts and calls, from 1): orders two sent in one
    second of the server's clock. None on a text kept from before it was counted."""

    def as_dict(self) -> dict[str, Any]:
        """The stored (and shown) form: ``from`` is a keyword in Python, ``sender`` here."""
        return json_record(self, renamed=_FROM)

    def to_json(self) -> str:
        return json_text(self.as_dict())

    @classmethod
    def from_json(cls, raw: str) -> TextMessage:
        return record_from_json(cls, raw, renamed=_FROM)


@frozen
class VoiceCall:
    id: str
    at: int
    sender: str
    to: str
    transcript: str
    code: str | None
    purpose: str
    seq: int | None = None
    """As a text's: texts and calls to one handset share the count."""

    def as_dict(self) -> dict[str, Any]:
        """The stored (and shown) form, ``sender`` as ``from`` like a text's."""
        return json_record(self, renamed=_FROM)

    def to_json(self) -> str:
        return json_text(self.as_dict())

    @classmethod
    def from_json(cls, raw: str) -> VoiceCall:
        return record_from_json(cls, raw, renamed=_FROM)

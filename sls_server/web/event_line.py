"""The fields of an audit event a sentence is made of, said (``Line``): who, whose, from where, with what.

The sentences themselves are :mod:`.event_words`' table and :mod:`.event_phrases`' longer ones; each is
built from a :class:`Line`, never from a secret (the trail holds none). A staged attack's address (given by
the caller) is named the attacker's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .wording import factor_name


class Line:
    """The fields a sentence is made of, said: who, from where, with what."""

    def __init__(self, event: Mapping[str, Any], attackers: Collection[str]) -> None:
        self.event = event
        self.d: Mapping[str, Any] = event.get("detail") or {}
        self.ip: str = str(event.get("ip") or "")
        self.attackers = attackers
        self.attacker = bool(self.ip) and self.ip in attackers
        self.result: str = str(event.get("result") or "")
        self.factor = factor_name(str(event.get("factor") or "")) if event.get("factor") else "the device"
        user = event.get("user")
        self.who: str = str(user) if user else nameless(self.d) or "someone"
        self.named = bool(user)

    @property
    def whose(self) -> str:
        return f"{self.who}'s" if self.named else "the"

    @property
    def Whose(self) -> str:
        """``whose`` to start a sentence: a user's name keeps its case."""
        return f"{self.who}'s" if self.named else "The"

    @property
    def frm(self) -> str:
        """``from 198.51.100.66 (attacker)``; empty without an address."""
        return f"from {self.ip}" + (" (attacker)" if self.attacker else "") if self.ip else ""

    def words(self, key: str) -> str:
        return str(self.d.get(key, "")).replace("_", " ")


def nameless(d: Mapping[str, Any]) -> str | None:
    """A name no user has is never in the trail: its reference stands where the name would (as the page's
    ``SLS.nameless`` says it), so the room still sees one name tried again and again. Said in words first,
    the reference short and in brackets, an aside: a bare "#3fb0b1564d46" read to a room as nobody's name
    at all. The whole reference stays in the event's detail (``name_ref``) for a closer look."""
    for key, said in (("unknown_username", "a name no user has"), ("invalid_username", "not a username")):
        if d.get(key) is True:
            ref = str(d.get("name_ref") or "")
            return said + (f" (#{ref[:REF_SHOWN]}\u2026)" if ref else "")
    return None


#: How much of a name's reference a sentence shows: enough to tell a room's few names apart at a glance.
REF_SHOWN = 4


#: The detail fields that stand for a name no user has (:func:`nameless`).
NAMELESS_KEYS = ("unknown_username", "invalid_username", "name_ref")

"""The last attack staged, whatever its kind (``sim.last_attack``): what it was, on whom, when, and its
report as it was answered, in one key of its own. The trainer console reloaded drew only the last push
bombing (``store.push_bombings``), even when a brute force or a SIM swap had been staged after it, beside an
Attack select back at its first choice. The Redis TTL only reclaims memory (a day, as a bombing's state)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import keys
from .base import guarded, text
from .connection import Client


@dataclass(frozen=True)
class LastAttack:
    kind: str
    target: str
    at: int
    report: dict[str, Any]


@guarded
class LastAttackRepo:
    def __init__(self, client: Client) -> None:
        self._r = client

    def keep(self, *, kind: str, target: str, at: int, report: dict[str, Any], ttl_s: int) -> None:
        """The attack just staged is the last one: it replaces the one before, whatever its kind."""
        doc = {"kind": kind, "target": target, "at": at, "report": report}
        self._r.set(keys.LAST_ATTACK, json.dumps(doc, separators=(",", ":")), ex=max(ttl_s, 1))

    def read(self) -> LastAttack | None:
        found = self._r.get(keys.LAST_ATTACK)
        if found is None:
            return None
        doc = json.loads(text(found))
        if not isinstance(doc, dict) or not isinstance(doc.get("report"), dict):
            return None  # not ours: nothing to show rather than a console broken on it
        return LastAttack(
            kind=str(doc.get("kind", "")),
            target=str(doc.get("target", "")),
            at=int(doc.get("at") or 0),
            report=doc["report"],
        )

"""Events as the trainer's feed is given them, for the tests of its words and tones."""

from __future__ import annotations

from typing import Any

#: The addresses the demo's staged attacks come from: the feed marks them "(attacker)".
ATTACKERS = frozenset({"198.51.100.66", "198.51.100.77", "198.51.100.99"})


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "at": 1_800_000_000, **fields}

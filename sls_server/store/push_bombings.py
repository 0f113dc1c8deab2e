"""The last push bombing staged on each user (``sim.push_bombing_state``): its report, and how many of its
pushes the victim has answered and how, kept by the server so the trainer console after a reload and
``sls attack push-bombing`` following it read the same count and verdict. One hash on the victim's slot, its
answers counted by one Lua script (``push_bombing_answer.lua``: once per push, however answers race); the
victim of the last one staged in a key of its own, for a console that does not know whom to ask about. The
Redis TTL only reclaims memory: a push's expiry is kept in its field and judged on read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import keys
from .base import Scripts, guarded, hash_reply, text
from .connection import Client

_PENDING = "t:"
_HOW = "a:"


@dataclass(frozen=True)
class BombingRecord:
    ip: str
    at: int
    report: dict[str, Any]
    #: How many pushes the bombing sent (each a login the attacker's page waits on).
    pushes: int
    #: The victim's answers so far, by how each ended (``denied``, ``wrong_number``, ``refused``, ``got_in``).
    answers: dict[str, int]
    #: The pushes still unanswered: login (txn id) -> its expiry (Unix seconds, the app clock).
    pending: dict[str, int]


@guarded
class PushBombingRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def start(
        self,
        username: str,
        *,
        ip: str,
        at: int,
        report: dict[str, Any],
        pushes: dict[str, int],
        ttl_s: int,
    ) -> None:
        """A new bombing on ``username`` replaces the last one's state; ``pushes``: each login waiting on a
        push, with its expiry. Then the user becomes the last bombing's victim (another slot)."""
        key = keys.push_bombing(username)
        fields = {
            "ip": ip,
            "at": str(at),
            "pushes": str(len(pushes)),
            "report": json.dumps(report, separators=(",", ":")),
            **{f"{_PENDING}{txn_id}": str(until) for txn_id, until in pushes.items()},
        }
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, mapping=fields)  # type: ignore[arg-type]  # redis-py's Mapping is invariant in its key
        pipe.expire(key, max(ttl_s, 1))
        pipe.execute()
        self._r.set(keys.LAST_PUSH_BOMBING, username, ex=max(ttl_s, 1))

    def answered(self, username: str, txn_id: str, how: str) -> bool:
        """Count the victim's answer to ``txn_id``'s push if it is one of the bombing's, once."""
        return bool(self._scripts("push_bombing_answer", [keys.push_bombing(username)], [txn_id, how]))

    def read(self, username: str) -> BombingRecord | None:
        raw = hash_reply(self._r.hgetall(keys.push_bombing(username)))
        if "report" not in raw:
            return None
        report = json.loads(raw["report"])
        return BombingRecord(
            ip=raw.get("ip", ""),
            at=int(raw.get("at") or 0),
            report=report if isinstance(report, dict) else {},
            pushes=int(raw.get("pushes") or 0),
            answers={k[len(_HOW) :]: int(v) for k, v in raw.items() if k.startswith(_HOW)},
            pending={k[len(_PENDING) :]: int(v) for k, v in raw.items() if k.startswith(_PENDING)},
        )

    def last_victim(self) -> str | None:
        found = self._r.get(keys.LAST_PUSH_BOMBING)
        return text(found) if found is not None else None

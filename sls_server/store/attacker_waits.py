"""The logins a staged attack left waiting for the victim's approval (``sim.attacker_waits``): the attacker's
page keeps polling them, so a push the victim approves after the attack's report still lets the attacker
in. One hash per user; the Redis TTL only reclaims memory, the login's own expiry decides. And the
addresses the trainer marked as an attacker's (a scenario demo's attacker actors), which the console's feed
tags as the staged attacks' own. And what the last few phishing relays' attacker saw (``sim.relay_screen``),
which the trainer's page of the attacker's screen reads."""

from __future__ import annotations

import json
from typing import Any

from . import keys
from .base import Scripts, guarded, text
from .connection import Client


@guarded
class AttackerWaitRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts  # none of its own: one hash, plain commands

    def wait(
        self, username: str, txn_id: str, *, ip: str, login_token: str, ttl_s: int, kind: str = "login"
    ) -> None:
        """``kind``: what the attacker's page waits to finish, a ``login`` (``login_token``: its binding) or
        a ``recovery`` (``login_token``: the recovery's token)."""
        key = keys.attacker_waits(username)
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(key, txn_id, json.dumps({"ip": ip, "token": login_token, "kind": kind}))
        pipe.expire(key, max(ttl_s, 1))  # the newest login outlives the others: they began earlier
        pipe.execute()

    def take(self, username: str, txn_id: str) -> tuple[str, str, str] | None:
        """The waiting login's (address, token, kind), once: None when no attacker waits on it."""
        key = keys.attacker_waits(username)
        pipe = self._r.pipeline(transaction=True)
        pipe.hget(key, txn_id)
        pipe.hdel(key, txn_id)
        found = pipe.execute()[0]
        if found is None:
            return None
        data = json.loads(text(found))
        return str(data["ip"]), str(data["token"]), str(data.get("kind", "login"))

    def mark_attackers(self, addresses: list[str]) -> None:
        """Replace the addresses marked as an attacker's (none: unmarked)."""
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(keys.MARKED_ATTACKERS)
        if addresses:
            pipe.sadd(keys.MARKED_ATTACKERS, *addresses)
        pipe.execute()

    def marked_attackers(self) -> list[str]:
        return sorted(text(ip) for ip in self._r.smembers(keys.MARKED_ATTACKERS))

    def keep_relay_screen(self, screen: dict[str, Any], *, ttl_s: int, kept: int) -> None:
        """The newest relay's screen goes first; only the ``kept`` newest stay (a class's last few runs)."""
        pipe = self._r.pipeline(transaction=True)
        pipe.lpush(keys.RELAY_SCREENS, json.dumps(screen, separators=(",", ":")))
        pipe.ltrim(keys.RELAY_SCREENS, 0, kept - 1)
        pipe.expire(keys.RELAY_SCREENS, max(ttl_s, 1))
        pipe.execute()

    def relay_screens(self) -> list[dict[str, Any]]:
        """The kept screens, newest first."""
        docs = [json.loads(text(found)) for found in self._r.lrange(keys.RELAY_SCREENS, 0, -1)]
        return [doc for doc in docs if isinstance(doc, dict)]

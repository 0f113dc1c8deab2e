"""The logins a staged attack left waiting for the victim's approval (``sim.attacker_waits``): the attacker's
page keeps polling them, so a push the victim approves after the attack's report still lets the attacker
in. One hash per user; the Redis TTL only reclaims memory, the login's own expiry decides. And the
addresses the trainer marked as an attacker's (a scenario demo's attacker actors), which the console's feed
tags as the staged attacks' own. And what the last phishing relay's attacker saw (``sim.relay_screen``), which
the trainer's page of the attacker's screen reads."""

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

    def wait(self, username: str, txn_id: str, *, ip: str, login_token: str, ttl_s: int) -> None:
        key = keys.attacker_waits(username)
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(key, txn_id, json.dumps({"ip": ip, "token": login_token}))
        pipe.expire(key, max(ttl_s, 1))  # the newest login outlives the others: they began earlier
        pipe.execute()

    def take(self, username: str, txn_id: str) -> tuple[str, str] | None:
        """The waiting login's (address, login token), once: None when no attacker waits on it."""
        key = keys.attacker_waits(username)
        pipe = self._r.pipeline(transaction=True)
        pipe.hget(key, txn_id)
        pipe.hdel(key, txn_id)
        found = pipe.execute()[0]
        if found is None:
            return None
        data = json.loads(text(found))
        return str(data["ip"]), str(data["token"])

    def mark_attackers(self, addresses: list[str]) -> None:
        """Replace the addresses marked as an attacker's (none: unmarked)."""
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(keys.MARKED_ATTACKERS)
        if addresses:
            pipe.sadd(keys.MARKED_ATTACKERS, *addresses)
        pipe.execute()

    def marked_attackers(self) -> list[str]:
        return sorted(text(ip) for ip in self._r.smembers(keys.MARKED_ATTACKERS))

    def keep_relay_screen(self, screen: dict[str, Any], *, ttl_s: int) -> None:
        """The last relay's screen replaces the one before: the page shows the relay staged last."""
        self._r.set(keys.RELAY_SCREEN, json.dumps(screen, separators=(",", ":")), ex=max(ttl_s, 1))

    def relay_screen(self) -> dict[str, Any] | None:
        found = self._r.get(keys.RELAY_SCREEN)
        if found is None:
            return None
        doc = json.loads(text(found))
        return doc if isinstance(doc, dict) else None

"""Gateway mode's state: its one session, the behaviour set at run time, the leases of the ``sls gateway``
processes serving it, and the outbox hook's cursor.

Replacing the session and changing it are Lua scripts (``gateway_establish``, ``gateway_update``) that check
which session the gateway holds in the same step, so a stale change never lands on a newer login.

A process's lease is a key with a TTL in real time (Redis's own expiry), never on the app clock: it says the
process is alive, which moving the clock (``/admin/v1/clock``) must not change, and a frozen clock must not
keep a dead process's lease for ever. A world reset deletes the leases with everything else: each master
takes its own back at its next renewal (``cli.gateway_lease``).
"""

from __future__ import annotations

import json

from . import keys
from .base import Scripts, guarded, hash_reply, text
from .connection import Client
from .records.codec import changes_hash, from_pairs, pairs
from .records.gateway import BrokerageChanges, GatewayEnding, GatewayLease, GatewayProcess, GatewayRecord

#: The run-time daily reset field: ``HH:MM``, or ``off`` to override a configured one.
DAILY_RESET = "daily_reset"
#: When (app clock, Unix s) the run-time daily reset was last set: a reset counts only from then.
DAILY_RESET_SINCE = "daily_reset_since"
#: Seconds of the app clock why the gateway's last session ended stays news, if no login comes first: the
#: instant it ended is stored with it and compared at read, so moving the clock crosses the hour at once.
ENDED_KEEP_S = 3600
#: Seconds of real time after which Redis reclaims that news: a backstop only, a week, so that it does not cut
#: the app clock's hour short on a clock frozen (or moved slowly) while a trainer or a test suite runs.
ENDED_BACKSTOP_S = 7 * 86400


#: Milliseconds of real time a process's lease lasts unless its master renews it (every third of that): a
#: process killed without its stop (SIGKILL) counts as live that long.
LEASE_MS = 10_000


def _session_keys(instance: str) -> list[str]:
    """The gateway's session and why the last one ended: one slot (``{gw:<instance>}``), one script."""
    return [keys.gateway_session(instance), keys.gateway_ended(instance)]


@guarded
class GatewayRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def get(self, instance: str) -> GatewayRecord | None:
        raw = hash_reply(self._r.hgetall(keys.gateway_session(instance)))
        return GatewayRecord.from_hash(raw) if raw else None

    def establish(self, instance: str, record: GatewayRecord, *, keep_s: int) -> GatewayRecord | None:
        """Make ``record`` the gateway's session; the record it held before, if any."""
        previous = self._scripts(
            "gateway_establish", _session_keys(instance), [keep_s, *pairs(record.to_hash())]
        )
        return GatewayRecord.from_hash(from_pairs(previous)) if previous else None

    def hand_back(
        self, instance: str, session_id: str, previous: GatewayRecord | None, *, keep_s: int
    ) -> bool:
        """Put ``previous`` back (or nothing, for None) if the gateway still holds ``session_id``."""
        back = pairs(previous.to_hash()) if previous else []
        done = self._scripts("gateway_update", _session_keys(instance), [session_id, "back", keep_s, *back])
        return bool(done)

    def update(self, instance: str, session_id: str, changes: BrokerageChanges) -> bool:
        """Apply ``changes`` if the gateway still holds ``session_id``."""
        fields = changes_hash(dict(changes))
        done = self._scripts("gateway_update", _session_keys(instance), [session_id, "set", *pairs(fields)])
        return bool(done)

    def end(
        self, instance: str, session_id: str, *, why: str, ended_by: str, now: int, at: int | None = None
    ) -> bool:
        """Forget the gateway's session if it is still ``session_id``, remembering ``why`` (the 401's
        ``reason``), ``ended_by`` (its cause) and when it ended (``at``, on the app clock; ``now`` when not
        given) until the next login, or :data:`ENDED_KEEP_S` of the app clock from ``now``: an expiry found
        long after it ran out (a clock moved hours on) is news to every caller for as long as any other."""
        said = f"{why} {ended_by} {now if at is None else at}"
        args: list[str | int] = [session_id, "end", said, ENDED_BACKSTOP_S, now]
        return bool(self._scripts("gateway_update", _session_keys(instance), args))

    def ended(self, instance: str, *, now: int) -> GatewayEnding | None:
        """Why the gateway's last session ended, its cause and when, while that is news: no login since, and
        less than :data:`ENDED_KEEP_S` of the app clock since it ended (a clock put back before then finds it
        news). The cause is None when a version that did not keep it wrote the reason."""
        value = self._r.get(keys.gateway_ended(instance))
        if not value:
            return None
        found, _, said = text(value).partition(" ")
        why, _, rest = said.partition(" ")
        ended_by, _, at = rest.partition(" ")
        if not why or not found.lstrip("-").isdigit():
            return None  # not written by this version (the reason alone): its hour cannot be told
        ended_at = int(at) if at.lstrip("-").isdigit() else int(found)  # an older version's: when found
        return GatewayEnding(why, ended_by or None, ended_at) if now - int(found) < ENDED_KEEP_S else None

    def restart(
        self,
        instance: str,
        process: GatewayProcess,
        token: str,
        *,
        session_id: str | None,
        why: str,
        now: int,
        lease_ms: int = LEASE_MS,
    ) -> tuple[int, bool]:
        """A process starts (``gateway_restart.lua``): take its lease and, when no other live process of the
        instance holds one, end the session if it is still ``session_id``, as :meth:`end` does. How many
        other processes are live, and whether the session ended."""
        args: list[str | int] = [
            token,
            keys.gateway_process_prefix(instance),
            _lease_value(process),
            lease_ms,
            session_id or "",
            f"{why} {why}",
            ENDED_BACKSTOP_S,
            now,
        ]
        slot = [*_session_keys(instance), keys.gateway_processes(instance), keys.gateway_owed(instance)]
        others, ended = self._scripts("gateway_restart", slot, args)
        return int(others), bool(ended)

    def owed(self, instance: str) -> tuple[GatewayRecord, int] | None:
        """The session a start's step ended whose close is still owed, and when it ended (app clock); None
        when every step finished its close."""
        raw = hash_reply(self._r.hgetall(keys.gateway_owed(instance)))
        at = raw.pop("ended_at", "")
        if not raw or not at.lstrip("-").isdigit():
            return None
        return GatewayRecord.from_hash(raw), int(at)

    def settle_owed(self, instance: str, session_id: str) -> bool:
        """That close is done: no longer owed, if it still names ``session_id``."""
        return bool(self._scripts("gateway_owed_settle", [keys.gateway_owed(instance)], [session_id]))

    def hold_process(
        self, instance: str, process: GatewayProcess, token: str, *, lease_ms: int = LEASE_MS
    ) -> None:
        """Take or renew the process's lease."""
        lease = [keys.gateway_process(instance, token), keys.gateway_processes(instance)]
        self._scripts("gateway_process_hold", lease, [token, _lease_value(process), lease_ms])

    def drop_process(self, instance: str, token: str) -> None:
        """The process stops: its lease goes (the next start, alone, ends the session)."""
        lease = [keys.gateway_process(instance, token), keys.gateway_processes(instance)]
        self._scripts("gateway_process_drop", lease, [token])

    def holds_lease(self, instance: str, token: str) -> bool:
        return bool(self._r.exists(keys.gateway_process(instance, token)))

    def processes(self, instance: str) -> list[GatewayProcess]:
        """The live processes of the instance (their leases held), oldest first."""
        return [lease.process for lease in self.leases(instance)]

    def leases(self, instance: str) -> list[GatewayLease]:
        """The live processes' leases, oldest process first, each with its age and time left (PTTL, read
        with its value in one round trip). Every process takes its lease for :data:`LEASE_MS`, so its age
        is what of that has passed."""
        tokens = sorted(text(token) for token in self._r.smembers(keys.gateway_processes(instance)))
        if not tokens:
            return []
        # a MULTI/EXEC redis-py sends again after a lost connection: harmless, it only reads (one slot)
        pipe = self._r.pipeline(transaction=True)
        for token in tokens:
            pipe.get(keys.gateway_process(instance, token))
            pipe.pttl(keys.gateway_process(instance, token))
        replies = pipe.execute()
        found = []
        for token, value, left in zip(tokens, replies[::2], replies[1::2], strict=True):
            process = None if value is None else _lease_process(text(value))
            if process is not None and int(left) >= 0:  # -2: it ran out between the two reads
                found.append(GatewayLease(token, process, max(0, LEASE_MS - int(left)), int(left)))
        return sorted(found, key=lambda each: each.process.since)

    def daily_reset(self, instance: str) -> tuple[str | None, int]:
        """The daily reset set at run time (``HH:MM`` or ``off``; None when only the setting decides), and the
        app-clock instant it was set at (0 when never), read together."""
        value, since = self._r.hmget(keys.gateway_config(instance), [DAILY_RESET, DAILY_RESET_SINCE])
        return (text(value) if value else None), int(since or 0)

    def set_daily_reset(self, instance: str, value: str, *, since: int) -> None:
        """Set the daily reset and the instant it was set at, in one command (never one without the other)."""
        self._r.hset(keys.gateway_config(instance), mapping={DAILY_RESET: value, DAILY_RESET_SINCE: since})

    def hand_out(self, handset: str, message_id: str, *, keep_s: int) -> bool:
        """True when ``message_id`` was not the last code handed out from ``handset`` (and now is); an
        authenticator app's codes are handed out under ``app:<device id>``."""
        return bool(self._scripts("outbox_hand_out", [keys.outbox_cursor(handset)], [message_id, keep_s]))


def _lease_value(process: GatewayProcess) -> str:
    return json.dumps(process._asdict(), separators=(",", ":"))


def _lease_process(value: str) -> GatewayProcess | None:
    """A lease's process; None when another version wrote it in a shape this one does not read."""
    try:
        raw = json.loads(value)
        where = (str(raw["host"]), int(raw["pid"]), int(raw["port"]), int(raw["since"]))
        return GatewayProcess(*where, ns=str(raw.get("ns", "")))
    except (ValueError, KeyError, TypeError):
        return None

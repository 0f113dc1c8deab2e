"""Lockout state: per-account buckets of consecutive password failures, per-address sliding windows,
per-device response failures. Every count is one Lua step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from . import keys
from .base import ScriptCall, Scripts, guarded, hash_reply, text
from .connection import Client
from .records import LockoutState
from .records.codec import changes_hash, pairs
from .records.lockout import STAMP_SKEW_S
from .writebehind import Queued, later

#: The decoy bucket: attempts from outside the user's IP allowlist with ``SLS_IP_REFUSAL=silent``, counted and
#: locked by the same scripts as the user's own buckets (in the user's slot), so an outsider meets the same
#: 401s and 423s as at any name, while the user's own buckets never see them.
DECOY = "outside"
BUCKETS = ("all", "known", "other", DECOY)
#: The script that keeps an address's sliding window of password attempts.
IP_WINDOW = "sliding_window"
#: The addresses a user's set of known ones keeps (``known_place_add.lua``): about 64 bytes each, so at most
#: some 6 KB a user, however many machines they log in from.
KNOWN_IPS_KEPT = 100
RESERVATION_S = 30
#: Which window a wrong token counts in: the admin API's and the simulators' (one, shared), or /metrics'.
GuessPool = Literal["doors", "metrics"]
_GUESS_WINDOWS = {"doors": keys.token_guesses, "metrics": keys.metrics_guesses}
#: Every pool of wrong tokens, each a window of its own per address.
GUESS_POOLS: tuple[GuessPool, ...] = ("doors", "metrics")
RECLAIM_S = 30 * 86400


def user_lockout_keys(username: str) -> list[str]:
    """Every per-user count of the lockout: buckets, in-flight reservations, known addresses, strikes on
    devices. A user's deletion deletes them in the step that deletes the record (``UserRepo.delete``), so a
    user created again under the name starts clean, not locked."""
    names = [keys.lockout(username, b) for b in BUCKETS]
    names += [keys.lockout_inflight(username, b) for b in BUCKETS]
    return [*names, keys.known_ips(username), keys.user_device_strikes(username)]


# device_success.lua's answer for a device a wrong response disabled since the request read it
_DISABLED_SINCE_READ = -1


class DeviceStrikes(NamedTuple):
    """What a script settling an answer on the user's slot needs to judge the answer's device there
    (``lua/lib/device_strikes.lua``): the limit of wrong responses, the device's own count of them as the
    request read it, how many of them a right answer cleared since (``device_success.lua``), and
    ``alone_at``: the device's version when the request read it with one user and did not ask its own slot
    (None otherwise), so a share since (its mark) has the settling step answer 'device_shared'."""

    limit: int
    seen: int
    cleared: int = 0
    alone_at: int | None = None

    def args(self) -> list[int | str]:
        """The scripts' arguments: an ``alone_at`` of None is ''."""
        return [self.limit, self.seen, self.cleared, "" if self.alone_at is None else self.alone_at]

    def asked(self) -> DeviceStrikes:
        """These strikes once the device's own slot was asked whether it is disabled: a share's mark no
        longer refuses the step."""
        return self._replace(alone_at=None)


#: The arguments of a script that judges no device's strikes (no limit of wrong responses).
NO_STRIKES: tuple[str | int, ...] = ("", 0, 0, "")


class Reservation(NamedTuple):
    """What ``lockout_reserve.lua`` answered: 'ok', 'busy', 'locked' (``until``), 'disabled' or 'permanent';
    with 'ok', ``failed``: the wrong passwords since the bucket's last login (a lock does not reset it).
    'disabled' comes only where 'ok' would, with the attempt reserved: it is settled as any other."""

    status: str
    until: int = 0
    failed: int = 0


@guarded
class LockoutRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def reserve(
        self, username: str, bucket: str, *, now: int, threshold: int, attempt_id: str
    ) -> Reservation:
        result = self._scripts(
            "lockout_reserve",
            [keys.lockout(username, bucket), keys.lockout_inflight(username, bucket), keys.user(username)],
            [now, threshold, attempt_id, RESERVATION_S],
        )
        return Reservation(str(result[0]), *(int(n) for n in result[1:]))

    def release(self, username: str, bucket: str, *, attempt_id: str) -> None:
        """A right password's reservation handed back: all ``lockout_settle.lua`` does for one, unanswered."""
        later(self._r, Queued(("ZREM", keys.lockout_inflight(username, bucket), attempt_id)))

    def settle(
        self,
        username: str,
        bucket: str,
        *,
        now: int,
        attempt_id: str,
        ok: bool,
        threshold: int,
        wait_increment_s: int,
        max_wait_s: int,
        permanent_after: int,
    ) -> tuple[str, int, int]:
        result = self._scripts(
            "lockout_settle",
            [keys.lockout(username, bucket), keys.lockout_inflight(username, bucket)],
            [
                now,
                attempt_id,
                "1" if ok else "0",
                threshold,
                wait_increment_s,
                max_wait_s,
                permanent_after,
                RECLAIM_S,
            ],
        )
        padded = [*result, 0, 0]
        return str(padded[0]), int(padded[1]), int(padded[2])

    def state(self, username: str) -> dict[str, LockoutState]:
        """The buckets that hold anything, by name (one round trip: ``Scripts.together``)."""
        found, _ = self._scripts.together([("HGETALL", keys.lockout(username, b)) for b in BUCKETS], [])
        return {
            bucket: LockoutState.from_hash(hash_reply(raw))
            for bucket, raw in zip(BUCKETS, found, strict=True)
            if raw
        }

    def forget_failures(self, username: str, bucket: str) -> None:
        """A completed login forgets the failures and the lock history of the bucket it came through."""
        later(self._r, Queued(("HDEL", keys.lockout(username, bucket), "failures", "locks", "failed")))

    def unlock(self, username: str) -> bool:
        names = [keys.lockout(username, b) for b in BUCKETS] + [
            keys.lockout_inflight(username, b) for b in BUCKETS
        ]
        return bool(self._r.delete(*names))

    def known_ips(self, username: str) -> list[str]:
        """The addresses the user has logged in from, sorted."""
        return sorted(text(ip) for ip in self._r.smembers(keys.known_ips(username)))

    def restore(self, username: str, buckets: dict[str, LockoutState], known_ips: list[str]) -> None:
        """Make the user's buckets and known addresses exactly these (a state import), in one transaction
        on the user's slot: nothing in flight, no bucket or address but these. A bucket expires as
        ``lockout_settle.lua`` leaves it: :data:`RECLAIM_S` on, but a permanent lock never (its PERSIST),
        else a month without a try would lift a lock only an admin may lift."""
        # a MULTI/EXEC redis-py sends again after a lost connection: harmless, twice leaves the same state
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(
            *(keys.lockout(username, b) for b in BUCKETS),
            keys.known_ips(username),
            keys.user_device_strikes(username),
        )
        pipe.delete(*(keys.lockout_inflight(username, b) for b in BUCKETS))
        for bucket, state in buckets.items():
            pipe.hset(keys.lockout(username, bucket), items=pairs(state.to_hash()))
            if not state.permanent:
                pipe.expire(keys.lockout(username, bucket), RECLAIM_S)
        if known_ips:
            pipe.sadd(keys.known_ips(username), *known_ips)
        pipe.execute()

    def is_known_ip(self, username: str, ip: str) -> bool:
        return bool(self._r.sismember(keys.known_ips(username), ip))

    def new_place(self, username: str, ip: str) -> ScriptCall:
        """The call that answers 1 when ``ip`` is none of the addresses the user logged in from and there are
        some (``new_place.lua``). A call, not a round trip: sent with the password step's read of the user."""
        return ("new_place", [keys.known_ips(username)], [ip])

    def know_ips(self, username: str, ips: list[str]) -> None:
        """Addresses the user is known to sign in from, given at once (``POST /admin/v1/users``)."""
        if ips:
            self._r.sadd(keys.known_ips(username), *ips)

    def remember_ip(self, username: str, ip: str) -> None:
        """With the login's other writes, as the SADD it replaced was: one round trip still."""
        self._scripts.later(self._r, "known_place_add", [keys.known_ips(username)], [ip, KNOWN_IPS_KEPT])

    def ip_window(self, ip: str, *, now: int, window_s: int, limit: int, attempt_id: str) -> ScriptCall:
        """The call that reserves an attempt in the address's window of ``window_s`` seconds; it answers 0 if
        reserved, else the seconds to wait. A call, not a round trip: the password step sends it with the
        user's read."""
        return (IP_WINDOW, [keys.ip_attempts(ip)], [now, window_s, limit, attempt_id])

    def refund_ip(self, ip: str, attempt_id: str) -> None:
        later(self._r, Queued(("ZREM", keys.ip_attempts(ip), attempt_id)))

    def ip_attempts_in(self, ip: str, *, now: int, window_s: int) -> list[int]:
        """When each attempt still in the address's window was made, oldest first: what
        ``sliding_window.lua`` counts against it now (a stamp past the skew it would drop is not counted)."""
        return self._stamps(keys.ip_attempts(ip), now=now, window_s=window_s)

    def token_guess(
        self, ip: str, *, now: int, window_s: int, limit: int, guess_id: str, pool: GuessPool = "doors"
    ) -> int:
        """Count a wrong token from the address in its ``pool``'s window (``sliding_window.lua``): 0 if
        counted, else the seconds until the oldest guess leaves the window (the window is full)."""
        window = _GUESS_WINDOWS[pool](ip)
        return int(self._scripts(IP_WINDOW, [window], [now, window_s, limit, guess_id]))

    def token_guesses_in(self, ip: str, *, now: int, window_s: int, pool: GuessPool = "doors") -> list[int]:
        """When each wrong token still in the address's ``pool`` window was given, oldest first."""
        return self._stamps(_GUESS_WINDOWS[pool](ip), now=now, window_s=window_s)

    def _stamps(self, window: str, *, now: int, window_s: int) -> list[int]:
        stamps = self._r.zrangebyscore(window, f"({now - window_s}", now + STAMP_SKEW_S, withscores=True)
        return [int(pair[1]) for pair in stamps]

    def clear_ip(self, ip: str) -> bool:
        """Forget every attempt and guess the address is counted in (an admin lifting its limits): its login
        attempts' window and its two windows of wrong tokens, the admin and sim tokens' and /metrics' (one
        DEL: one slot, ``{ip:...}``); True if any was kept."""
        windows = [keys.ip_attempts(ip), *(window(ip) for window in _GUESS_WINDOWS.values())]
        return bool(self._r.delete(*windows))

    def device_failed(self, device_id: str, username: str, *, limit: int) -> tuple[int, str]:
        """A wrong response of ``username``'s counted against the device, never past ``limit``
        (``device_failure.lua``): (its count, 'counted', 'disabled' by this one, 'locked' already so nothing
        counted, or 'missing': gone, or no longer serving the user)."""
        failures, outcome = self._scripts("device_failure", [keys.device(device_id)], [limit, username])
        return int(failures), str(outcome)

    def device_success(self, device_id: str) -> int | None:
        """A right response: the count of wrong ones cleared, unless the device was disabled since it was
        read (``device_success.lua``): how many it cleared (0 when it is gone), None when it was disabled.
        The script's own -1 and -2 stay on the wire; they are read here, once."""
        cleared = int(self._scripts("device_success", [keys.device(device_id)], []))
        return None if cleared == _DISABLED_SINCE_READ else max(cleared, 0)

    def device_disabled(self, device_id: str) -> bool:
        """Is the device disabled now by wrong responses (``factor_locked``, as ``device_failure.lua`` sets
        it)? One command on the device's slot, carrying an open ``write_behind`` block's writes; a device
        gone is not (the revoke's own mark refuses its answers: ``logins_device_revoked.lua``)."""
        (found,), _ = self._scripts.together([("HGET", keys.device(device_id), "factor_locked")], [])
        return found is not None and text(found) == "1"

    def mark_shared(self, device_id: str, users: tuple[str, ...], version: int) -> None:
        """The share's mark on each of ``users``' slots (``device_shared_mark.lua``), answered (one round
        trip), so it stands before the card's record, written next, names the user it is shared with: a
        request that read the card at ``version`` or before as one user's is refused 'device_shared' by the
        step settling its right answer, and asks the card (``lua/lib/device_strikes.lua``)."""
        self._scripts.each_of(
            [("device_shared_mark", [keys.user_device_strikes(user)], [device_id, version]) for user in users]
        )

    def strikes_cleared(self, username: str, device_id: str, cleared: int) -> None:
        """``cleared`` of the user's strikes on the device go, as they went from its own count
        (``device_strikes_clear.lua``); unanswered, so it rides the step's other bookkeeping."""
        self._scripts.later(
            self._r, "device_strikes_clear", [keys.user_device_strikes(username)], [device_id, cleared]
        )

    def strikes_forgotten(self, device_id: str, users: tuple[str, ...]) -> None:
        """The strikes every one of ``users`` holds on the device go (each by one command on their slot): the
        next counts from the device's own count as read (``lua/lib/device_strikes.lua``); unanswered, so it
        rides the step's next round trip."""
        for user in users:
            later(self._r, Queued(("HDEL", keys.user_device_strikes(user), device_id)))

    def strikes_dropped(self, device_id: str, users: tuple[str, ...]) -> tuple[str, ...]:
        """As :meth:`strikes_forgotten`, answered (one round trip): which of ``users`` held strikes on it."""
        forgotten = [("HDEL", keys.user_device_strikes(user), device_id) for user in users]
        replies, _ = self._scripts.together(forgotten, [])
        return tuple(user for user, gone in zip(users, replies, strict=True) if gone)

    def strikes_held(self, devices: Sequence[tuple[str, tuple[str, ...]]]) -> dict[str, dict[str, int]]:
        """The strikes each device's users hold on it, above zero, by device id then user (in the order
        given): for ``(device_id, users)`` pairs, one HMGET per user on their own slot, all in one round
        trip. An admin's view only: a login's step reads its own user's strikes in its scripts."""
        asked: dict[str, list[str]] = {}
        for device_id, users in devices:
            for user in users:
                asked.setdefault(user, []).append(device_id)
        reads = [("HMGET", keys.user_device_strikes(user), *ids) for user, ids in asked.items()]
        found, _ = self._scripts.together(reads, []) if reads else ([], [])
        counts = {
            (user, device_id): int(count)
            for (user, ids), got in zip(asked.items(), found, strict=True)
            for device_id, count in zip(ids, got, strict=True)
            if count is not None
        }
        return {
            device_id: {u: counts[u, device_id] for u in users if counts.get((u, device_id), 0) > 0}
            for device_id, users in devices
        }

    def device_reset(self, device_id: str, users: tuple[str, ...]) -> bool:
        """Enable the device and clear its count, and the strikes every user of it holds on it (on their
        slots, each by one command, in the same round trip): their next wrong response counts from zero."""
        fields = changes_hash({"factor_failures": 0, "factor_locked": False})
        forgotten = [("HDEL", keys.user_device_strikes(user), device_id) for user in users]
        _, (reset,) = self._scripts.together(
            forgotten, [("hset_if_exists", [keys.device(device_id)], pairs(fields))]
        )
        return bool(reset)

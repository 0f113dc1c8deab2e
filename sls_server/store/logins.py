"""Login transactions (and step-ups): what was asked of whom, until when, and how it was settled.

A transaction lives under its user's hash tag (its id names the user: :mod:`.ids`), so every script that
settles it also reads the user record and refuses a step whose user was disabled or deleted since it began.
"""

from __future__ import annotations

from typing import NamedTuple

from . import keys
from .base import Scripts, guarded, hash_reply, text
from .connection import Client
from .hints import DeviceHints, devices_named
from .ids import owner_of
from .lockout import BUCKETS, DECOY, NO_STRIKES, DeviceStrikes
from .records import DeviceRecord, LockoutState, LoginTxn, PromptFields, UserAccess
from .records.codec import changes_hash, pairs

#: Redis TTLs only reclaim memory; expiry is decided by the app clock against the stored instants.
RECLAIM_MARGIN_S = 3600
#: The lockout buckets a login's password can have been counted in (never the decoy: an attempt counted
#: there is refused before any second factor), read with the login since its bucket is known only after.
LOGIN_BUCKETS = tuple(b for b in BUCKETS if b != DECOY)
#: How many of a user's latest logins :meth:`LoginRepo.newest_pending` reads (a flood of logins by whoever
#: has the password must not make a read of the phone slow).
PENDING_LOOKED_AT = 16


class LoginRead(NamedTuple):
    """A login as a step reads it, in one round trip (:meth:`LoginRepo.get_with_access`)."""

    txn: LoginTxn | None
    access: UserAccess
    """Its user's IP rules."""
    device: DeviceRecord | None
    """Its device, when ``hints`` knew the user's devices; else None (look it up by ``txn.device_id``)."""
    user_stands: bool
    """The user still exists, is enabled and has the epoch the login began under: else no step of it can
    succeed (the settling scripts check the same), and a poll can say so at once."""
    lock: LockoutState | None = None
    """The lockout bucket the login's password was counted in (``LoginTxn.lock_bucket``), as read with it;
    None when it names none (a step-up)."""
    default_device: str | None = None
    """The user's device offered first (M2FS), as read with it: a login that succeeds through it leaves it
    as it is, with no write (``UserRepo.remember_device``)."""


@guarded
class LoginRepo:
    def __init__(self, client: Client, scripts: Scripts, hints: DeviceHints) -> None:
        self._r = client
        self._scripts = scripts
        self._hints = hints

    def create(self, txn: LoginTxn, *, now: int, password_epoch: str | None = None) -> bool:
        """Store the step; with ``password_epoch`` (a login: the user's as its password was checked, '' for
        none yet), only if the password has not changed since (``user_password_change.lua``): False then,
        and nothing is stored."""
        username = _owner(txn.txn_id)
        reclaim_at = (txn.dies_at or txn.expires_at) + RECLAIM_MARGIN_S
        ttl = max(reclaim_at - now, RECLAIM_MARGIN_S)
        guard = [] if password_epoch is None else [keys.user(username)]
        return bool(
            self._scripts(
                "login_create",
                [keys.login(username, txn.txn_id), keys.user_logins(username), *guard],
                [now, ttl, txn.txn_id, password_epoch or "", *pairs(txn.to_hash())],
            )
        )

    def device_revoked(self, username: str, device_id: str, *, now: int) -> int:
        """Mark every login and step-up of the user in progress on ``device_id`` (just revoked or replaced)
        so no answer settles it on that device, and end an approved push not yet collected, in one step on
        the user's slot (``logins_device_revoked.lua``); how many."""
        return int(
            self._scripts(
                "logins_device_revoked",
                [keys.user_logins(username)],
                [keys.login_prefix(username), device_id, now],
            )
        )

    def get(self, txn_id: str) -> LoginTxn | None:
        username = owner_of(txn_id)
        if username is None:
            return None
        raw = hash_reply(self._r.hgetall(keys.login(username, txn_id)))
        return LoginTxn.from_hash(raw) if raw else None

    def newest_pending(self, username: str, *, now: int) -> LoginTxn | None:
        """The user's newest login or step-up still waiting for its second factor at ``now``, among the
        :data:`PENDING_LOOKED_AT` latest to end (the index is ordered by when Redis may reclaim each, which
        follows when it began); None when there is none. For a reader of the user's phone that follows what
        the login asks for (``gateway.outbox``), not for settling anything."""
        index = keys.user_logins(username)
        ids = self._r.zrevrangebyscore(index, "+inf", now, start=0, num=PENDING_LOOKED_AT)
        if not ids:
            return None
        replies, _ = self._scripts.together([("HGETALL", keys.login(username, text(i))) for i in ids], ())
        found = [LoginTxn.from_hash(hash_reply(raw)) for raw in replies if raw]
        pending = [t for t in found if t.state == "second_factor" and t.expires_at > now]
        return max(pending, key=lambda t: t.created_at, default=None)

    def get_with_access(self, txn_id: str) -> LoginRead:
        """The transaction, its user's IP rules and standing (one slot) and, when ``hints`` knew the user's
        devices, its device, in one round trip: the verify step judges the address and checks the response
        before it settles anything."""
        username = owner_of(txn_id)
        if username is None:
            return LoginRead(None, UserAccess(), None, False)
        hinted = self._hints.of(username)
        reads = [
            ("HGETALL", keys.login(username, txn_id)),
            ("HGETALL", keys.user_access(username)),
            ("HMGET", keys.user(username), "username", "disabled", "epoch", "default_device"),
            *(("HGETALL", keys.lockout(username, bucket)) for bucket in LOGIN_BUCKETS),
            *(("HGETALL", keys.device(device_id)) for device_id in hinted),
        ]
        (raw, access, user, *rest), _ = self._scripts.together(reads, ())
        buckets, found = rest[: len(LOGIN_BUCKETS)], rest[len(LOGIN_BUCKETS) :]
        txn = LoginTxn.from_hash(hash_reply(raw)) if raw else None
        lock = None
        if txn and txn.lock_bucket in LOGIN_BUCKETS:
            lock = LockoutState.from_hash(hash_reply(buckets[LOGIN_BUCKETS.index(txn.lock_bucket)]))
        devices = devices_named([txn.device_id], hinted, found) if txn else None
        name, disabled, epoch, default_device = user
        stands = (
            txn is not None and name is not None and disabled != "1" and (epoch or "") == (txn.epoch or "")
        )
        return LoginRead(
            txn,
            UserAccess.from_hash(hash_reply(access)),
            devices[0] if devices else None,
            stands,
            lock,
            default_device,
        )

    def settle(
        self,
        txn_id: str,
        *,
        now: int,
        outcome: str,
        ok_state: str = "authenticated",
        prompt: str = "",
        lock_bucket: str | None = None,
        strikes: DeviceStrikes | None = None,
    ) -> tuple[str, int]:
        """``outcome`` is 'ok', 'bad', 'deny' or 'end' (wrong, and the step ends at once); ``prompt``: the
        prompt the answer was checked against (``LoginTxn.prompt``), 'switched' if it was replaced since;
        ``lock_bucket``: a lockout bucket whose lock refuses the answer ('locked', until); ``strikes``: the
        step's device judged and counted on the user's slot ('device_locked'); see login_verify.lua for
        the statuses."""
        username = _owner(txn_id)
        found = [*_keys(txn_id), keys.user_device_strikes(username)]
        if lock_bucket in LOGIN_BUCKETS:
            found.append(keys.lockout(username, lock_bucket))
        judged = strikes.args() if strikes else NO_STRIKES
        status, left = self._scripts("login_verify", found, [now, outcome, ok_state, prompt, *judged])
        return str(status), int(left)

    def expire(self, txn_id: str, *, now: int) -> bool:
        """Mark a pending step found past its expiry at ``now`` as expired, for good (login_expire.lua)."""
        return bool(self._scripts("login_expire", _keys(txn_id)[:1], [now]))

    def collect(
        self, txn_id: str, *, now: int, grace_s: int, lock_bucket: str | None = None
    ) -> tuple[str, int]:
        """('ok', 0) for the one poll that takes an approved login's session, ('revoked', 0), ('expired', 0)
        (left uncollected ``grace_s`` past its expiry), ('no', 0), or ('locked', until: 0 for a lock only an
        admin lifts) while ``lock_bucket``, the lockout bucket the login's password was counted in, is
        locked: the login is left approved (login_collect.lua)."""
        result = self._scripts("login_collect", _locked_by(txn_id, lock_bucket), [now, grace_s])
        return str(result[0]), int(result[1]) if len(result) > 1 else 0

    def reserve_switch(self, txn_id: str, *, now: int) -> tuple[str, int]:
        """('ok', the reservation's ticket) or (why it is refused, 0): one of the step's switches spent
        before its prompt is sent (login_switch_reserve.lua), so a refused request sends nothing."""
        result = self._scripts("login_switch_reserve", _keys(txn_id), [now])
        return str(result[0]), int(result[1]) if len(result) > 1 else 0

    def commit_switch(
        self, txn_id: str, *, now: int, ticket: int, expires_at: int, fields: PromptFields
    ) -> tuple[str, int]:
        """('ok', the new prompt's expiry, capped by the login's lifetime) or (why it was not written, 0):
        'switched' when a later reservation stands (login_switch_commit.lua)."""
        result = self._scripts(
            "login_switch_commit",
            _keys(txn_id),
            [now, ticket, expires_at, *pairs(changes_hash(fields))],
        )
        return str(result[0]), int(result[1]) if len(result) > 1 else 0

    def release_switch(self, txn_id: str) -> bool:
        """Give back a reserved switch whose prompt was refused before anything was sent, while the step is
        pending (login_switch_release.lua); True when given back. Once per reservation."""
        return bool(self._scripts("login_switch_release", _keys(txn_id)[:1], []))


def _owner(txn_id: str) -> str:
    username = owner_of(txn_id)
    if username is None:
        raise ValueError(f"not a transaction id: {txn_id!r}")
    return username


def _keys(txn_id: str) -> list[str]:
    """The login and its user; callers hold a loaded transaction, so the id is well formed."""
    username = _owner(txn_id)
    return [keys.login(username, txn_id), keys.user(username)]


def _locked_by(txn_id: str, lock_bucket: str | None) -> list[str]:
    """:func:`_keys`, and the lockout bucket whose lock a script judges with them (the user's slot)."""
    found = _keys(txn_id)
    if lock_bucket in LOGIN_BUCKETS:
        found.append(keys.lockout(_owner(txn_id), lock_bucket))
    return found

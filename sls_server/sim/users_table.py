"""The trainer console's users table: both sides of the world for each user at once, the broker's (the
user as ``GET /admin/v1/users/<u>`` shows them, their lock, sessions, IP allowlist and account) and the
simulated one (a SIM still in the attacker's handset, an IB Key migrated there).

Read as a snapshot that another client may be changing: a user deleted between the listing of names and
the reads of their row is left out, where a lookup per name refused the whole table (``/trainer/users``
answered 404 ``unknown_user`` while users were deleted).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..accounts.user_fields import PHONE_RE, public_user
from .relay import ATTACKER_HANDSET

if TYPE_CHECKING:
    from ..wiring import Core


def users_table(
    core: Core, accounts: list[dict[str, Any]], *, now: int, names: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """One row per user of ``names`` (by default every user) still there when read: :func:`public_user`'s
    fields with the devices not revoked, and ``locked``, ``lock_wait_s`` (the longest wait of a lock in
    force, or None), ``failures``, ``sessions``, ``held_by`` (an active device's handset that is no phone,
    in words), ``sim_swapped``, ``allowlist`` and ``account`` (one of ``accounts``, every account as the
    caller read them, or None)."""
    by_id = {account["account_id"]: account for account in accounts}
    found = [core.users.find(name) for name in (core.users.names() if names is None else names)]
    records = [r for r in found if r is not None]  # one deleted since the names were listed: not in it
    # every user's devices with their strikes on them, the strikes of all read in one round trip
    listed = core.devices.listed_of([r.username for r in records], now=now)
    rows = []
    for record, views in zip(records, listed, strict=True):
        devices = [d for d in views if d["status"] != "revoked"]
        lock = core.lockout.status(record.username, now=now)
        buckets = lock["buckets"].values()
        waits = [b["retry_after"] for b in buckets if b["locked"] and b["retry_after"]]
        access = core.ip_rules.user_allowlist(record.username)
        phone = record.phone
        rows.append(
            {
                **public_user(record, devices),
                "locked": lock["locked"],
                "lock_wait_s": max(waits) if waits else None,
                "failures": max((b["failures"] for b in buckets), default=0),
                "sessions": core.sessions.of_user(record.username, now=now),
                "held_by": {
                    d["device_id"]: holder(d.get("handset")) for d in devices if d["status"] == "active"
                },
                # a swap left in place: the next demo's texts and calls to her still reach the attacker
                "sim_swapped": bool(phone and core.phones.conditions(phone).sim_swapped_to),
                "allowlist": access["ip_allowlist"],
                "account": by_id.get(access["account_id"] or ""),
            }
        )
    return rows


def holder(handset: str | None) -> str | None:
    """Who holds an IB Key migrated to a handset that is no phone number, in the table's words: after a
    staged SIM swap, the attacker. The table showed it as the victim's IB Key, with nothing to tell the room
    it now answers the attacker's logins."""
    if not handset or PHONE_RE.fullmatch(handset):
        return None
    return "the attacker's handset" if handset == ATTACKER_HANDSET else f"handset {handset}"

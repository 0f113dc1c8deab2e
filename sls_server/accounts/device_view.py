"""The administrator's view of devices (``device_terms.public_device``) with the wrong-response strikes their
users hold on them.

The strikes live on each user's slot, not the device's record (``store/lua/lib/device_strikes.lua``): a step
that ended between its two writes can leave a user's at the limit on a device enabled at no count, which
nothing on the record shows, and which refuses that user's right answers. The admin's views read them, all
the devices' users in one round trip; a login's step never does (its scripts read its own user's).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..store import Store
from ..store.records import DeviceRecord
from .device_terms import public_device


def device_views(
    store: Store, records: Sequence[DeviceRecord], *, now: int | None = None
) -> list[dict[str, Any]]:
    """``records`` as the admin sees them, each with its users' strikes on it (``now``: as
    :func:`public_device` takes it)."""
    held = store.lockout.strikes_held([(r.device_id, r.users) for r in records])
    return [public_device(r, now=now, strikes=held[r.device_id]) for r in records]


def device_views_of(
    store: Store, groups: Sequence[Sequence[DeviceRecord]], *, now: int | None = None
) -> list[list[dict[str, Any]]]:
    """:func:`device_views` of each group (each user's devices), the strikes of all of them read in one
    round trip: the console's users table, redrawn every few seconds, read them once per user."""
    views = iter(device_views(store, [r for group in groups for r in group], now=now))
    return [[next(views) for _ in group] for group in groups]

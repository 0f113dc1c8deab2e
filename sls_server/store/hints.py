"""Which devices each user has, as this process last saw it: so the read that fetches a user (or their
login) can fetch their devices in the same round trip, instead of one more after it.

A hint, never trusted: the device set is read in the same round trip, and only devices it names are used;
one it names that the hint missed (a card added since, another worker's user) is read as before, and the
hint learns it. A device's record is as fresh as a read a moment later would be: nothing is cached but ids.
At login the devices are read with the user, before the password is checked, and used only after it; their
secrets stay sealed until then, as when they were read later. The memory is bounded: past ``limit`` users
it starts again empty (the next logins each pay one round trip).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import hash_reply
from .records import DeviceRecord

#: Users remembered per process: 10,000 of about 100 bytes each.
LIMIT = 10_000


class DeviceHints:
    def __init__(self, limit: int = LIMIT) -> None:
        self._ids: dict[str, tuple[str, ...]] = {}
        self._limit = limit

    def of(self, username: str) -> tuple[str, ...]:
        return self._ids.get(username, ())

    def learn(self, username: str, device_ids: tuple[str, ...]) -> None:
        """What the user's device set held when just read (dict operations are atomic under the GIL, so the
        request threads share one without a lock)."""
        if len(self._ids) >= self._limit and username not in self._ids:
            self._ids.clear()
        self._ids[username] = device_ids


def devices_named(
    device_ids: Sequence[str], hinted: Sequence[str], found: Sequence[Any]
) -> tuple[DeviceRecord, ...] | None:
    """The records of ``device_ids`` (the set as read) out of ``found`` (the hinted ids' replies, read in
    the same round trip); None if the hint missed one, so the caller reads them all as before."""
    records = {
        d: DeviceRecord.from_hash(hash_reply(raw)) for d, raw in zip(hinted, found, strict=True) if raw
    }
    if any(d not in records for d in device_ids):
        return None
    return tuple(records[d] for d in device_ids)

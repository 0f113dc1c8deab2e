"""Device records, the challenges each card remembers, and the windows that limit challenge issuance."""

from __future__ import annotations

from . import keys
from .base import Client, Scripts, guarded, hash_reply, texts
from .records import DeviceChanges, DeviceRecord
from .records.codec import changes_hash, pairs


@guarded
class DeviceRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(self, record: DeviceRecord) -> bool:
        """False if the id is taken; stored at version 0 whatever ``record.version`` says."""
        fields = {**record.to_hash(), "version": "0"}
        return bool(self._scripts("create_hash", [keys.device(record.device_id)], [0, *pairs(fields)]))

    def get(self, device_id: str) -> DeviceRecord | None:
        raw = hash_reply(self._r.hgetall(keys.device(device_id)))
        return DeviceRecord.from_hash(raw) if raw else None

    def get_many(self, device_ids: list[str]) -> list[DeviceRecord]:
        pipe = self._r.pipeline(transaction=False)
        for device_id in device_ids:
            pipe.hgetall(keys.device(device_id))
        return [DeviceRecord.from_hash(hash_reply(raw)) for raw in pipe.execute() if raw]

    def update(self, device_id: str, version: int, changes: DeviceChanges) -> str:
        """'ok', 'conflict' (someone wrote since ``version``; re-read and retry) or 'missing'."""
        args = [str(version), *pairs(changes_hash(changes))]
        return str(self._scripts("update_hash_versioned", [keys.device(device_id)], args))

    def claim_challenge(self, device_id: str, encodings: list[str], history: int) -> int:
        """Index (1-based) of the first candidate the card does not remember, 0 if it remembers them all.
        The claimed one is remembered; beyond the last ``history`` the oldest are forgotten."""
        return int(
            self._scripts("claim_challenge", [keys.device_used_challenges(device_id)], [history, *encodings])
        )

    def remembered_challenges(self, device_id: str) -> list[str]:
        """The encodings the card remembers, oldest first."""
        return texts(self._r.zrange(keys.device_used_challenges(device_id), 0, -1))

    def count_issue(
        self, device_id: str, username: str, *, now: int, window: int, limit: int, member: str
    ) -> tuple[int, str | None]:
        """Count one challenge against the card's and the user's sliding windows: (0, None) when both had
        room, else (seconds to wait, "device" or "user") with nothing counted (a refusal by the second
        window gives back the place taken in the first)."""
        counted: list[str] = []
        for scope, key in (
            ("device", keys.device_challenge_issues(device_id)),
            ("user", keys.user_challenge_issues(username)),
        ):
            wait = int(self._scripts("sliding_window", [key], [now, window, limit, member]))
            if wait:
                for earlier in counted:
                    self._r.zrem(earlier, member)
                return wait, scope
            counted.append(key)
        return 0, None

    def delete(self, device_id: str) -> None:
        self._r.delete(
            keys.device(device_id),
            keys.device_used_challenges(device_id),
            keys.device_challenge_issues(device_id),
        )

"""Device records, the challenges each card remembers, and the windows that limit challenge issuance."""

from __future__ import annotations

from ..frozen import frozen
from . import keys, leases
from .base import Scripts, guarded, hash_reply, texts
from .connection import Client
from .records import DeviceChanges, DeviceRecord
from .records.codec import changes_hash, pairs


@frozen
class Issued:
    """What issuing a challenge found: ``wait`` seconds (0: room in both windows) and which ``scope``
    refused, else the 1-based index of the candidate ``claimed`` (0: the card remembers them all)."""

    wait: int
    scope: str | None
    claimed: int


@guarded
class DeviceRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(self, record: DeviceRecord, *, turn: str | None = None, lease_ms: int = 0) -> bool:
        """False if the id is taken; stored at version 0 whatever ``record.version`` says. ``turn``: a token
        that holds the new device's turn (for ``lease_ms``) from this very write (``device_create_held.lua``:
        an enrolment, ``turns.turn_of_new``), so no request can take it between the create and the take."""
        fields = {**record.to_hash(), "version": "0"}
        if turn is None:
            return bool(self._scripts("create_hash", [keys.device(record.device_id)], pairs(fields)))
        held = [keys.device(record.device_id), keys.device_turn(record.device_id)]
        return bool(self._scripts("device_create_held", held, [turn, lease_ms, *pairs(fields)]))

    def get(self, device_id: str) -> DeviceRecord | None:
        raw = hash_reply(self._r.hgetall(keys.device(device_id)))
        return DeviceRecord.from_hash(raw) if raw else None

    def get_many(self, device_ids: list[str]) -> list[DeviceRecord]:
        """The devices that exist, in one round trip (per master on a Cluster: ``Scripts.together``)."""
        if not device_ids:
            return []
        found, _ = self._scripts.together([("HGETALL", keys.device(d)) for d in device_ids], [])
        return [DeviceRecord.from_hash(hash_reply(raw)) for raw in found if raw]

    def take_turn(self, device_id: str, token: str, *, lease_ms: int) -> bool:
        """Take the turn to change the device (``keys.device_turn``, a lease: ``leases``) for ``token``; False
        while another request holds it (``sls_server.turns``)."""
        return leases.take(self._r, keys.device_turn(device_id), token, lease_ms=lease_ms)

    def end_turn(self, device_id: str, token: str) -> None:
        leases.give_back(self._scripts, keys.device_turn(device_id), token)

    def update(self, device_id: str, version: int, changes: DeviceChanges) -> str:
        """'ok', 'conflict' (someone wrote since ``version``; re-read and retry) or 'missing'."""
        args = [str(version), *pairs(changes_hash(changes))]
        return str(self._scripts("update_hash_versioned", [keys.device(device_id)], args))

    def record_lapse(self, device_id: str, *, now: int) -> None:
        """Mark a device found past its end of validity at ``now`` as lapsed for good (``device_lapse.lua``),
        now or with the open ``write_behind`` block's writes: nothing waits on it."""
        self._scripts.later(self._r, "device_lapse", [keys.device(device_id)], [now])

    def claim_challenge(self, device_id: str, encodings: list[str], history: int) -> int:
        """Index (1-based) of the first candidate the card does not remember, 0 if it remembers them all.
        The claimed one is remembered; beyond the last ``history`` the oldest are forgotten."""
        return int(
            self._scripts("claim_challenge", [keys.device_used_challenges(device_id)], [history, *encodings])
        )

    def remembered_challenges(self, device_id: str) -> list[str]:
        """The encodings the card remembers, oldest first."""
        return texts(self._r.zrange(keys.device_used_challenges(device_id), 0, -1))

    def issue_challenge(
        self,
        device_id: str,
        username: str,
        *,
        now: int,
        window: int,
        limit: int,
        member: str,
        encodings: list[str],
        history: int,
    ) -> Issued:
        """Count one challenge against the card's and the user's sliding windows and claim the first of
        ``encodings`` the card does not remember, in one round trip: the user's window (their slot) beside
        the card's window and claim (one script on the card's slot: nothing claimed when its window is full).
        A refusal by either window issues nothing and counts nothing: the other window's place is given
        back, and a claim the user's window refused is forgotten again (at a full history the claim has
        already dropped the card's oldest one: a challenge forgotten early, which only the forgetting
        argument in ``factors/challenges.py`` ever relies on)."""
        user_window = keys.user_challenge_issues(username)
        card_window = keys.device_challenge_issues(device_id)
        used = keys.device_used_challenges(device_id)
        user_wait, claim = self._scripts.each_of(
            [
                ("sliding_window", [user_window], [now, window, limit, member]),
                ("claim_challenge", [used, card_window], [history, *encodings, now, window, limit, member]),
            ]
        )
        card_wait = int(claim[1]) if isinstance(claim, list) else 0
        if card_wait:
            if not int(user_wait):
                self._r.zrem(user_window, member)
            return Issued(card_wait, "device", 0)
        if int(user_wait):
            self._r.zrem(card_window, member)
            if int(claim):
                self._r.zrem(used, encodings[int(claim) - 1])
            return Issued(int(user_wait), "user", 0)
        return Issued(0, None, int(claim))

    def delete(self, device_id: str) -> None:
        self._r.delete(
            keys.device(device_id),
            keys.device_used_challenges(device_id),
            keys.device_challenge_issues(device_id),
        )

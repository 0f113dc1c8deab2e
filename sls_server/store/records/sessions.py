"""A session (``keys.session``), stored under the SHA-256 of its token (``auth.session_tokens``)."""

from __future__ import annotations

from dataclasses import field

from ...frozen import frozen
from .codec import Fields, dataclass_fields, to_hash

#: A verified step-up is the field ``verified:<purpose>`` holding its deadline.
VERIFIED_PREFIX = "verified:"
#: How many of the tokens a session was rotated from it keeps (``SessionRecord.retired``): a page loaded
#: before more step-ups than this is refused its forms, as any stale page (each step-up is a second factor
#: asked, so a tab open across more of them is rare), and the record stays small.
RETIRED_KEPT = 8


@frozen
class SessionRecord:
    id: str
    username: str
    authenticated_at: int
    idle_expires_at: int
    expires_at: int
    last_seen_at: int
    factor: str
    device_id: str | None = None
    ip: str | None = None
    epoch: str | None = None
    state: str | None = None
    """Set only on a tombstone (``auth.session_endings``), which holds nothing else but ``at``: never read
    into a record (``session_touch.lua`` answers why it ended instead)."""
    verified: dict[str, int] = field(default_factory=dict)
    """Step-up verifications: purpose -> until (unix s)."""
    retired: tuple[str, ...] = ()
    """The ids of the tokens this session was rotated from by its step-ups, oldest first (the latest
    :data:`RETIRED_KEPT`): written with the session by the rotation that stored it, and never changed, so it
    is the server's proof that a form token minted for one of them is this session's (``http.crosssite``).
    Absent on a session never rotated, and gone with the session when it ends."""

    @classmethod
    def from_hash(cls, raw: dict[str, str], *, id: str | None = None) -> SessionRecord:
        """``id``: the id the index names it by, for a record that does not hold its own."""
        f = Fields("session", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            id=id or f.text("id"),
            username=f.text("username"),
            authenticated_at=f.integer("authenticated_at"),
            idle_expires_at=f.integer("idle_expires_at"),
            expires_at=f.integer("expires_at"),
            last_seen_at=f.integer("last_seen_at"),
            factor=f.text("factor"),
            device_id=get("device_id") or None,
            ip=get("ip") or None,
            epoch=get("epoch") or None,
            state=get("state") or None,
            verified=f.prefixed(VERIFIED_PREFIX),
            retired=f.names("retired"),
        )

    def to_hash(self) -> dict[str, str]:
        verified = {f"{VERIFIED_PREFIX}{purpose}": until for purpose, until in self.verified.items()}
        retired = {"retired": self.retired} if self.retired else {}  # no empty field on every session
        return to_hash({**dataclass_fields(self, skip=("verified", "retired")), **verified, **retired})

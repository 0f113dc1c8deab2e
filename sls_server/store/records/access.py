"""IP restrictions: a user's side (``keys.user_access``) and a multi-user account (``keys.account``).

Allowlists are stored as one JSON array field, so a list is replaced by one write and readers see the old
list or the new one, never a mix. An empty list is no field: no list, no restriction.
"""

from __future__ import annotations

import json

from ...frozen import frozen
from .codec import Fields, to_hash


def encode_allowlist(entries: tuple[str, ...]) -> str:
    return json.dumps(list(entries), separators=(",", ":"))


def decode_allowlist(text: str | None) -> tuple[str, ...]:
    return tuple(str(entry) for entry in json.loads(text)) if text else ()


@frozen
class UserAccess:
    allowlist: tuple[str, ...] = ()
    account_id: str | None = None
    """The multi-user account the user trades under, whose list applies too."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> UserAccess:
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(decode_allowlist(get("allowlist") or None), get("account") or None)


@frozen
class AccountDeletionLeft:
    """What an account's deletion has left to do once its record is gone (``keys.account_deletion``): the
    members whose links may still name it. Then ``account.deleted``. No secret: names and an instant."""

    at: int
    """When the deletion deleted the record (the app clock)."""
    users: tuple[str, ...] = ()
    id: str = ""
    """The deletion's own (random), as a user's (``DeletionLeft.id``)."""
    import_taken_back: bool = False
    """A refused state import's taking back, as a user's (``DeletionLeft.import_taken_back``)."""
    incarnation: str | None = None
    """Which making of the id was deleted (``AccessRepo.create_account``): the links its finisher releases
    are those naming it. '' for an account made before incarnations (its links name none); None for a mark
    that does not say (left by a server before them): any link naming the id, as that server did."""
    events_written: bool = False
    """Its events are all in the trail (``deletion_events_written.lua``): whoever finishes it writes none
    of them, however long after (their places in the trail may have expired by then)."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> AccountDeletionLeft:
        f = Fields("account deletion", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            at=f.integer("at"),
            users=f.names("users"),
            id=get("id") or None or "",
            import_taken_back=bool(f.maybe_flag("import_taken_back")),
            incarnation=raw.get("incarnation"),  # '' and absent differ here
            events_written=bool(f.maybe_flag("events")),
        )

    def events_of(self, account_id: str) -> str:
        """Whose event this is, for its place (``keys.event_places``), as a user's deletion's."""
        return f"a:{account_id}:{self.id or self.at}"


@frozen
class AccountRecord:
    account_id: str
    created_at: int
    allowlist: tuple[str, ...] = ()

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> AccountRecord:
        f = Fields("account", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            account_id=f.text("account_id"),
            created_at=f.integer("created_at"),
            allowlist=decode_allowlist(get("allowlist") or None),
        )

    def to_hash(self) -> dict[str, str]:
        fields = {"account_id": self.account_id, "created_at": self.created_at}
        return {**to_hash(fields), "allowlist": encode_allowlist(self.allowlist)}

"""A user's record (``keys.user``) and the changes made to it."""

from __future__ import annotations

from dataclasses import field
from typing import TypedDict

from ...frozen import frozen
from .access import UserAccess
from .codec import Fields, dataclass_fields, to_hash
from .devices import DeviceRecord


@frozen
class UserRecord:
    username: str
    password_hash: str = field(repr=False)
    """Argon2id, with its parameters (``accounts.passwords``); kept out of ``repr`` and so out of logs."""
    created_at: int
    phone: str | None = None
    disabled: bool = False
    epoch: str | None = None
    """Drawn anew when the user is disabled: logins and sessions begun under another are dead."""
    default_device: str | None = None
    """The device of the last completed login, offered first next time (M2FS)."""
    paper: bool = False
    """A paper trading user (gateway mode's login page refuses them in live mode); live by default."""
    password_epoch: str | None = None
    """Drawn anew when the user changes their password: a login whose password was checked under another
    stores no step (``login_create.lua``); None until the first change."""
    temporary_passcode: str | None = None
    """The temporary passcode that joined the user's devices last, until any other device joins: another
    is refused meanwhile (KB69; written by ``user_add_device.lua``, and by a state import as it was saved)."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> UserRecord:
        f = Fields("user", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            username=f.text("username"),
            password_hash=f.text("password_hash"),
            created_at=f.integer("created_at"),
            phone=get("phone") or None,
            disabled=f.flag("disabled"),
            epoch=get("epoch") or None,
            default_device=get("default_device") or None,
            paper=f.flag("paper"),
            password_epoch=get("password_epoch") or None,
            temporary_passcode=get("temporary_passcode") or None,
        )

    def to_hash(self) -> dict[str, str]:
        return to_hash(dataclass_fields(self))


class UserChanges(TypedDict, total=False):
    """What may change on an existing user outside the scripts (``disabled`` and ``epoch`` move only in
    ``user_revoke.lua``, with the sessions)."""

    password_hash: str
    phone: str
    default_device: str


@frozen
class LoginView:
    """What a password step reads of a user, in one round trip: the record (None: no such user), their IP
    rules, their devices' ids (the second factor's choice follows) and, when this process knew the ids
    beforehand (``store.hints``), the devices themselves (else None: read them when needed)."""

    user: UserRecord | None
    access: UserAccess
    device_ids: tuple[str, ...]
    devices: tuple[DeviceRecord, ...] | None = None


@frozen
class DeletionLeft:
    """What a user's deletion has left to do once their record is gone (``keys.user_deletion``): the devices
    still naming them (those that joined while it worked, or all it had not yet taken them off when it was
    cut short), and the ``session.killed`` its revoke ended, each by the short id events show. Then
    ``user.deleted``. No secret: ids and an instant."""

    at: int
    """When the deletion deleted the record (the app clock)."""
    devices: tuple[str, ...] = ()
    sessions: tuple[str, ...] = ()
    """The ended sessions' short ids (``ids.short_id``): enough to correlate, nothing to use."""
    id: str = ""
    """The deletion's own (random): its events' places in the trail (``EventRepo.append_once``), and whose
    mark ``deletion_end.lua`` releases. '' in a mark a server before the ids left."""
    import_taken_back: bool = False
    """A refused state import's taking back (``event_details.deletion_detail``), whoever finishes it."""
    events_written: bool = False
    """Its events are all in the trail (``deletion_events_written.lua``): whoever finishes it writes none
    of them, however long after (their places in the trail may have expired by then)."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> DeletionLeft:
        f = Fields("deletion", raw)
        get = raw.get  # a text that may be absent, read inline: ``Fields.maybe_text``
        return cls(
            at=f.integer("at"),
            devices=f.names("devices"),
            sessions=f.names("sessions"),
            id=get("id") or None or "",
            import_taken_back=bool(f.maybe_flag("import_taken_back")),
            events_written=bool(f.maybe_flag("events")),
        )

    def events_of(self, username: str) -> str:
        """Whose events these are, for their places (``keys.event_places``): this deletion of the user (a
        mark with no id: by its instant, the deletion's own)."""
        return f"u:{username}:{self.id or self.at}"

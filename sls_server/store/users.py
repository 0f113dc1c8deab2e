"""User records: one hash per user, under the user's hash tag."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, Literal, cast

from . import keys
from .base import ScriptCall, Scripts, guarded, hash_reply, text, texts
from .connection import Client
from .hints import DeviceHints, devices_named
from .lockout import user_lockout_keys
from .records import DeletionLeft, LoginView, UserAccess, UserChanges, UserRecord
from .records.access import encode_allowlist
from .records.codec import changes_hash, pairs
from .sessions import ENDED_KEEP_S

#: What ``user_add_device.lua`` answers (:meth:`UserRepo.add_device`).
AddDevice = Literal["added", "no_user", "consecutive"]
PasswordWrite = Literal["changed", "conflict", "stale"]
#: How many times :meth:`UserRepo.unindex` puts the index right, each after a create or a deletion of the name
#: racing it: more is a name being made and deleted in a loop, whose own writes of the index follow.
INDEX_TRIES = 4
_ADDED: dict[str, AddDevice] = {"added": "added", "no_user": "no_user", "consecutive": "consecutive"}


#: A user's record as Redis answers it (a user with a phone; text, as the store's client decodes replies),
#: decoded by :meth:`UserRepo.get_alike` when no user has the name, and thrown away: it is nobody's, and its
#: hash no password's.
STAND_IN: dict[bytes | str, bytes | str] = {
    "username": "~stand-in",
    "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$" + "A" * 22 + "$" + "A" * 43,
    "created_at": "1700000000",
    "disabled": "0",
    "epoch": "0" * 16,
    "paper": "0",
    "phone": "+15555550100",
}


@guarded
class UserRepo:
    def __init__(self, client: Client, scripts: Scripts, hints: DeviceHints) -> None:
        self._r = client
        self._scripts = scripts
        self._hints = hints

    def create(
        self,
        record: UserRecord,
        allowlist: Sequence[str] = (),
        account: tuple[str, str] | None = None,
    ) -> bool:
        """False if the user exists already, or a deletion of the name cut short has work left
        (:meth:`deletion_left`: finish it first); the check and the write are one step, with the IP allowlist
        the user is opened with (none: unrestricted) and the link to the account they trade under (a state
        import's member, whose account exists already: its list then applies from the first moment), so the
        user is never there without either. ``account``: its id and incarnation
        (``AccessRepo.create_account``). The account's member set is the caller's to write after."""
        created = self._scripts(
            "user_create",
            [
                keys.user(record.username),
                keys.user_access(record.username),
                keys.user_deletion(record.username),
            ],
            [
                encode_allowlist(tuple(allowlist)) if allowlist else "",
                *(account or ("", "")),
                *pairs(record.to_hash()),
            ],
        )
        if created:
            self._r.sadd(keys.USERS_INDEX, record.username)
        return bool(created)

    def get(self, username: str) -> UserRecord | None:
        raw = hash_reply(self._r.hgetall(keys.user(username)))
        return UserRecord.from_hash(raw) if raw else None

    def get_alike(self, username: str) -> UserRecord | None:
        """:meth:`get`, decoding a stand-in (:data:`STAND_IN`) when no user has the name, for a path whose
        time must not tell a name no user has from a user's (``PasswordRecovery.start``): the same read,
        and a record decoded either way; None all the same."""
        reply = self._r.hgetall(keys.user(username))
        record = UserRecord.from_hash(hash_reply(reply or STAND_IN))
        return record if reply else None

    def login_view(self, username: str, also: Sequence[ScriptCall] = ()) -> tuple[LoginView, list[Any]]:
        """The user, their IP rules, their device ids and (when ``hints`` knew the ids) their devices, in one
        round trip, with ``also``'s scripts (a password step's first checks): (the view, their answers)."""
        hinted = self._hints.of(username)
        reads = [
            ("HGETALL", keys.user(username)),
            ("HGETALL", keys.user_access(username)),
            ("SMEMBERS", keys.user_devices(username)),
            *(("HGETALL", keys.device(device_id)) for device_id in hinted),
        ]
        (raw, access, members, *found), answers = self._scripts.together(reads, also)
        user = hash_reply(raw)
        device_ids = tuple(sorted(texts(members)))
        self._hints.learn(username, device_ids)
        return LoginView(
            user=UserRecord.from_hash(user) if user else None,
            access=UserAccess.from_hash(hash_reply(access)),
            device_ids=device_ids,
            devices=devices_named(device_ids, hinted, found),
        ), answers

    def usernames(self) -> list[str]:
        return sorted(texts(self._r.smembers(keys.USERS_INDEX)))

    def listed(self, names: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """The password epoch ('' for a password never changed) and the phone number (None: none) of each user
        ``names`` names, in one round trip however many (each record on its own slot): what ``GET
        /admin/v1/users`` lists. A name with no record (deleted meanwhile) is left out."""
        found, _ = self._scripts.together(
            [("HMGET", keys.user(name), "username", "password_epoch", "phone") for name in names], []
        )
        return {
            name: (text(epoch) if epoch is not None else "", text(phone) if phone else None)
            for name, (held, epoch, phone) in zip(names, found, strict=True)
            if held is not None
        }

    def delete(
        self,
        username: str,
        *,
        dropped: Sequence[str],
        ended: Sequence[str],
        now: int,
        import_taken_back: bool = False,
    ) -> bool:
        """The user's record and own keys, their lockout state and their logins in progress, in one step (one
        slot: atomic, ``user_delete.lua``), leaving what the deletion has left to do
        (:meth:`deletion_left`): the devices the user's set held but ``dropped`` (those the caller has
        taken them off; a device joined since the caller read them among the rest), and the sessions
        ``ended`` (their short ids). Then the name leaves the index (another slot, so another command: a
        cluster pipeline cannot carry a multi-key DEL). A staged attacker's logins waiting on the user's
        approval (``keys.attacker_waits``, on the user's slot) go in the same step, with the count of the
        last push bombing's answers (``keys.push_bombing``): left to their TTL, they outlived the user.
        False, and nothing done, when there is no such user (another deletion got there first).
        ``import_taken_back`` is kept in the mark, for whoever finishes the deletion to say."""
        own = [
            keys.user(username),
            keys.user_devices(username),
            keys.user_deletion(username),
            keys.user_logins(username),
            keys.user_challenge_issues(username),
            keys.user_phone_change(username),
            keys.user_phone_change_tries(username),
            keys.attacker_waits(username),
            keys.push_bombing(username),
            *user_lockout_keys(username),
        ]
        deletion_id = secrets.token_hex(8)  # its events' places and its mark's owner: DeletionLeft.id
        why = "1" if import_taken_back else ""
        args: list[str | int] = [
            keys.login_prefix(username),
            now,
            ",".join(ended),
            deletion_id,
            why,
            *dropped,
        ]
        deleted = bool(self._scripts("user_delete", own, args))
        if deleted:
            self.unindex(username)
        return deleted

    def deletion_left(self, username: str) -> DeletionLeft | None:
        """What a deletion of the name has left to do (``keys.user_deletion``), or None when none is
        unfinished."""
        raw = hash_reply(self._r.hgetall(keys.user_deletion(username)))
        return DeletionLeft.from_hash(raw) if raw else None

    def deletion_is(self, username: str, left: DeletionLeft) -> bool:
        """Whether the deletion of the name still unfinished is ``left``'s own (by its id; a mark from a
        server before the ids, by its instant): a request that stalled while another finished its deletion,
        the name was made again and deleted again, finds a mark there, but the later deletion's, whose work
        is that deletion's to do."""
        return self.own_mark(username, left) is not None

    def own_mark(self, username: str, left: DeletionLeft) -> DeletionLeft | None:
        """The mark of the name as it stands now, if it is still ``left``'s deletion's (:meth:`deletion_is`),
        else None: what its finisher reads again before the events (has another written them?)."""
        held = self.deletion_left(username)
        return held if held is not None and held.events_of(username) == left.events_of(username) else None

    def events_written(self, username: str, left: DeletionLeft) -> None:
        """Note in the deletion's mark that its events are all in the trail (``deletion_events_written.lua``),
        only while it is that deletion's: whoever finishes it after writes none again."""
        self._scripts("deletion_events_written", [keys.user_deletion(username)], [left.id])

    def end_deletion(self, username: str, left: DeletionLeft) -> None:
        """Release the deletion's mark (``deletion_end.lua``), once its work is done and its events are in
        the trail: only while it is that deletion's (``left.id``)."""
        self._scripts("deletion_end", [keys.user_deletion(username)], [left.id])

    def unindex(self, username: str) -> None:
        """The name out of the index of usernames (``keys.USERS_INDEX``), unless a user has it again by then.
        The index is a slot of its own, so no step can check the record and write the index together: a
        deletion stalled before this, while another request finished it and the name was made again, took
        the new user out of the list of names. So the record is read after each write of the index (after:
        on a Cluster, one round trip may run the two on their nodes in either order), and the index put right
        while they disagree; a create or a deletion changing the record after that read writes the index
        itself, after it."""
        listed = False
        for _ in range(INDEX_TRIES):
            if listed:
                self._r.sadd(keys.USERS_INDEX, username)
            else:
                self._r.srem(keys.USERS_INDEX, username)
            held = bool(self._r.exists(keys.user(username)))
            if held == listed:
                return
            listed = held

    def set_fields(self, username: str, changes: UserChanges) -> bool:
        """Update an existing user; False (and nothing written) if the user is gone."""
        return bool(self._scripts("hset_if_exists", [keys.user(username)], pairs(changes_hash(changes))))

    def remember_device(self, username: str, device_id: str) -> None:
        """The device a login came through, for the next login to offer first (M2FS); unanswered, so it may
        wait for the step's other bookkeeping (``write_behind``)."""
        self._scripts.later(
            self._r,
            "hset_if_exists",
            [keys.user(username)],
            pairs(changes_hash({"default_device": device_id})),
        )

    def revoke(
        self, username: str, *, disabled: bool, epoch: str | None, now: int, tombstones: bool = True
    ) -> list[str] | None:
        """Set the disabled flag and, if given, a new epoch (killing every login in progress); disabling
        ends every session in the same step, each left a tombstone (ended at ``now``) to tell its holder why
        (``tombstones`` False: deleted, for a user being deleted, whose keys must all go). The ended session
        ids, or None if there is no such user."""
        ended = self._scripts(
            "user_revoke",
            [keys.user(username), keys.user_sessions(username)],
            [
                "1" if disabled else "0",
                epoch or "",
                keys.session_prefix(username),
                "1" if tombstones else "0",
                now,
                ENDED_KEEP_S,
            ],
        )
        return None if ended is None else [str(sid) for sid in ended]

    def replace_field(
        self, username: str, field: Literal["password_hash"], expected: str, value: str
    ) -> bool:
        """Set ``field`` to ``value`` only if it still holds ``expected`` (compare-and-set); else False."""
        return bool(self._scripts("replace_field", [keys.user(username)], [field, expected, value]))

    def change_password(
        self,
        username: str,
        expected: str,
        value: str,
        password_epoch: str,
        *,
        now: int,
        standing: tuple[str, str] | None = None,
    ) -> tuple[PasswordWrite, int]:
        """Replace the password hash ``expected`` with ``value`` under a new ``password_epoch``, and end
        the user's logins in progress, in one step (``user_password_change.lua``): ``changed`` and how many
        logins ended; ``conflict``, and nothing written, when the hash is no longer ``expected``. With
        ``standing`` (the user's epoch and password epoch as a recovery found them), ``stale``, and nothing
        written, when the user no longer stands so: disabled, made again, or its password changed since."""
        args: list[str | int] = [expected, value, password_epoch, keys.login_prefix(username), now]
        if standing is not None:
            args += list(standing)
        answer = self._scripts(
            "user_password_change", [keys.user(username), keys.user_logins(username)], args
        )
        status = cast(PasswordWrite, text(answer[0]))
        return status, int(answer[1]) if status == "changed" else 0

    def phone_device(self, username: str) -> str | None:
        """The device last claimed as the user's phone device (:meth:`claim_phone_device`), maybe stale: it
        may have been revoked or deleted since."""
        value = self._r.hget(keys.user(username), "phone_device")
        return None if value is None else text(value)

    def claim_phone_device(self, username: str, held: str | None, device_id: str) -> bool:
        """Make ``device_id`` the user's phone device if the claim is still ``held`` (None: unclaimed) and the
        user exists, in one step (``swap_field.lua``): of enrolments racing one wins, the others re-read."""
        args = ["phone_device", held or "", device_id]
        return bool(self._scripts("swap_field", [keys.user(username)], args))

    def add_device(self, username: str, device_id: str, *, joined_as: str = "") -> tuple[AddDevice, str]:
        """Add the device to the user's set (``user_add_device.lua``): ('added', ''), or ('no_user', '') with
        nothing written if the user is gone, deleted while the caller worked. ``joined_as``, the device's
        type, applies the broker's rule for temporary passcodes: ('consecutive', the passcode it would
        follow) with nothing written. Empty (a state import) applies nothing."""
        keys_ = [keys.user(username), keys.user_devices(username)]
        answer = texts(self._scripts("user_add_device", keys_, [device_id, joined_as]))
        return _ADDED[answer[0]], (answer[1] if len(answer) > 1 else "")

    def remove_device(self, username: str, device_id: str) -> None:
        self._r.srem(keys.user_devices(username), device_id)

    def device_ids(self, username: str) -> list[str]:
        return sorted(texts(self._r.smembers(keys.user_devices(username))))

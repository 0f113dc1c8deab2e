"""IP restrictions in Redis: a user's allowlist and account link, an account's allowlist and members.

A user's side lives in one hash under the user's tag (``allowlist`` as a JSON array, ``account``), an
account's in a hash and a member set under the account's tag, so every step touches one slot. A list
is replaced by writing one field: readers see the old list or the new one, never a mix.

A membership is both sides: the member set names the user, the user's ``account`` names the account. They
live in different slots, so no one step writes both; the core orders the steps so that each state in between
is one a reader can meet (``accounts.access``).
"""

from __future__ import annotations

import secrets

from . import keys
from .base import ScriptCall, Scripts, guarded, hash_reply, text, texts
from .connection import Client
from .records import AccountDeletionLeft, AccountRecord, UserAccess
from .records.access import decode_allowlist, encode_allowlist
from .records.codec import from_pairs, pairs


@guarded
class AccessRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    # --- the user's side ----------------------------------------------------------------------------

    def user_access(self, username: str) -> UserAccess:
        """The user's own list (empty: none) and their account, in one read."""
        return UserAccess.from_hash(hash_reply(self._r.hgetall(keys.user_access(username))))

    def set_user_allowlist(self, username: str, entries: list[str]) -> None:
        """Replace the user's list; an empty list removes it (unrestricted)."""
        if entries:
            self._r.hset(keys.user_access(username), "allowlist", encode_allowlist(tuple(entries)))
        else:
            self._r.hdel(keys.user_access(username), "allowlist")

    def link_account(self, username: str, account_id: str, incarnation: str) -> tuple[str, str] | None:
        """Link the user to that incarnation of the account (``account_link.lua``) unless their link names
        another (another account, or another making of this id): then return what it names, (id,
        incarnation), for the caller to judge whether that one exists."""
        held = self._scripts("account_link", [keys.user_access(username)], [account_id, incarnation])
        return (text(held[0]), text(held[1])) if held else None

    def unlink_account(self, username: str, account_id: str, incarnation: str | None = None) -> None:
        """Release the user's link, if it still names ``account_id`` (a link to another is left alone) and,
        given one, that ``incarnation`` of it: a deletion's finisher releases only links to the account it
        is finishing, never to the id made again meanwhile (``account_unlink.lua``)."""
        args = [account_id, "*" if incarnation is None else incarnation]
        self._scripts("account_unlink", [keys.user_access(username)], args)

    def relink_account(
        self, username: str, stale: tuple[str, str], account_id: str, incarnation: str
    ) -> bool:
        """Move the user's link from ``stale`` (an account incarnation found gone) to that incarnation of
        ``account_id``, if it still names ``stale``: False (nothing written) if it changed meanwhile."""
        args = [*stale, account_id, incarnation]
        return bool(self._scripts("account_relink", [keys.user_access(username)], args))

    def forget_user(self, username: str) -> None:
        """Drop a deleted user's list and membership, so a new user of the same name starts unrestricted."""
        account_id = self.user_access(username).account_id
        if account_id:
            self._r.srem(keys.account_members(account_id), username)
        self._r.delete(keys.user_access(username))

    # --- the account's side ---------------------------------------------------------------------------

    def create_account(self, record: AccountRecord) -> str | None:
        """The new account's incarnation (random, kept in its record: which making of the id it is, which
        its members' links name and its deletion's mark keeps), or None if the account exists already, or
        a deletion of the id cut short has work left (:meth:`deletion_left`: finish it first); the check
        and the write are one step."""
        incarnation = secrets.token_hex(8)
        fields = pairs({**record.to_hash(), "incarnation": incarnation})
        marked = [keys.account(record.account_id), keys.account_deletion(record.account_id)]
        return incarnation if self._scripts("create_hash", marked, fields) else None

    def delete_account(self, account_id: str, incarnation: str) -> None:
        """Both keys at once (a create taken back once its links are released), only while the account is
        still that ``incarnation`` of the id, in the same step: deleted and made again by other requests
        meanwhile, it is theirs (``account_take_back.lua``)."""
        self._scripts("account_take_back", _account_keys(account_id), [incarnation])

    def remove_account(
        self, account_id: str, *, now: int, import_taken_back: bool = False
    ) -> list[str] | None:
        """Delete the account's record and member set in one step (``account_delete.lua``), leaving what the
        deletion has left to do (:meth:`deletion_left`): its members, whose links the caller then releases.
        The members, sorted (what the deleting request answers, even if another finishes the deletion
        first); None, and nothing done, when there is no such account (another deletion got there first)."""
        keys_ = [*_account_keys(account_id), keys.account_deletion(account_id)]
        why = "1" if import_taken_back else ""  # kept in the mark, for whoever finishes it to say
        members = self._scripts("account_delete", keys_, [now, secrets.token_hex(8), why])  # its id: random
        return None if members is None else texts(members)

    def deletion_left(self, account_id: str, *, now: int) -> AccountDeletionLeft | None:
        """What a deletion of the id has left to do (``keys.account_deletion``), or None when none is
        unfinished; one cut short by a server before the mark (a member set with no record) is made one
        (``account_deletion_left.lua``)."""
        keys_ = [*_account_keys(account_id), keys.account_deletion(account_id)]
        flat = self._scripts("account_deletion_left", keys_, [now, secrets.token_hex(8)])
        return AccountDeletionLeft.from_hash(from_pairs(flat)) if flat else None

    def deletion_is(self, account_id: str, left: AccountDeletionLeft, *, now: int) -> bool:
        """Whether the deletion of the id still unfinished is ``left``'s own, as a user's
        (``UserRepo.deletion_is``): not a later deletion of the id made again."""
        return self.own_mark(account_id, left, now=now) is not None

    def own_mark(self, account_id: str, left: AccountDeletionLeft, *, now: int) -> AccountDeletionLeft | None:
        """The mark of the id as it stands now, if it is still ``left``'s deletion's, as a user's
        (``UserRepo.own_mark``)."""
        held = self.deletion_left(account_id, now=now)
        return held if held is not None and held.events_of(account_id) == left.events_of(account_id) else None

    def events_written(self, account_id: str, left: AccountDeletionLeft) -> None:
        """Note in the deletion's mark that its event is in the trail, as a user's
        (``UserRepo.events_written``)."""
        self._scripts("deletion_events_written", [keys.account_deletion(account_id)], [left.id])

    def end_deletion(self, account_id: str, left: AccountDeletionLeft) -> None:
        """Release the deletion's mark (``deletion_end.lua``, as a user's deletion), once its work is done and
        its event is in the trail: only while it is that deletion's (``left.id``)."""
        self._scripts("deletion_end", [keys.account_deletion(account_id)], [left.id])

    def account_exists(self, account_id: str) -> bool:
        return bool(self._r.exists(keys.account(account_id)))

    def incarnation(self, account_id: str) -> str | None:
        """Which making of the id the account is (:meth:`create_account`; '' for one made before
        incarnations), or None when there is no such account: one read of its record."""
        made, incarnation = self._r.hmget(keys.account(account_id), ["account_id", "incarnation"])
        return None if made is None else ("" if incarnation is None else text(incarnation))

    def account(self, account_id: str) -> tuple[AccountRecord, list[str]] | None:
        """(the account, its members sorted) or None; one round trip, both keys in one slot."""
        # a MULTI/EXEC redis-py sends again after a lost connection: harmless, it only reads
        pipe = self._r.pipeline(transaction=True)
        pipe.hgetall(keys.account(account_id))
        pipe.smembers(keys.account_members(account_id))
        raw, members = pipe.execute()
        if not raw:
            return None
        return AccountRecord.from_hash(hash_reply(raw)), sorted(texts(members))

    def account_allowlist(self, account_id: str) -> tuple[str, ...] | None:
        """The account's list, or None if the account is gone."""
        value = self._r.hget(keys.account(account_id), "allowlist")
        return None if value is None else decode_allowlist(text(value))

    def set_account_allowlist(self, account_id: str, entries: list[str]) -> bool:
        """Replace the account's list; False (nothing written) if there is no such account."""
        encoded = encode_allowlist(tuple(entries))
        written = self._scripts("hset_if_exists", [keys.account(account_id)], ["allowlist", encoded])
        return bool(written)

    def accounts(self, account_ids: list[str]) -> list[tuple[AccountRecord, list[str]]]:
        """Each account that exists of ``account_ids``, with its members sorted, in the order given: one round
        trip (one per master on a Cluster), each account read in one step."""
        calls: list[ScriptCall] = [("account_view", _account_keys(a), []) for a in account_ids]
        found = []
        for flat, members in self._scripts.each_of(calls):
            if flat:
                raw = dict(zip(texts(flat[::2]), texts(flat[1::2]), strict=True))
                found.append((AccountRecord.from_hash(raw), sorted(texts(members))))
        return found

    def add_members(self, account_id: str, incarnation: str, usernames: list[str]) -> bool:
        """Add to the account's members; False (nothing written) if the account is gone, or is not that
        ``incarnation`` of the id (made again since the members' links were written), in the same step."""
        if not usernames:
            return True
        args = [incarnation, *usernames]
        return bool(self._scripts("account_add_members", _account_keys(account_id), args))

    def remove_member(self, account_id: str, username: str) -> None:
        self._r.srem(keys.account_members(account_id), username)


def _account_keys(account_id: str) -> list[str]:
    """The account's record and member set: one slot (the account's tag)."""
    return [keys.account(account_id), keys.account_members(account_id)]

"""IP restrictions in Redis: a user's allowlist and account link, an account's allowlist and members.

A user's side lives in one hash under the user's tag (``allowlist`` as a JSON array, ``account``), an
account's in a hash and a member set under the account's tag, so every step touches one slot. A list
is replaced by writing one field: readers see the old list or the new one, never a mix.
"""

from __future__ import annotations

from . import keys
from .base import Client, Scripts, guarded, hash_reply, text, texts
from .records import AccountRecord, UserAccess
from .records.access import decode_allowlist, encode_allowlist
from .records.codec import pairs


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

    def link_account(self, username: str, account_id: str) -> str | None:
        """Make ``account_id`` the user's account unless they belong to another: then return that one."""
        other = self._scripts("claim_field", [keys.user_access(username)], ["account", account_id])
        return str(other) if other else None

    def unlink_account(self, username: str, account_id: str) -> None:
        self._scripts("release_field", [keys.user_access(username)], ["account", account_id])

    def forget_user(self, username: str) -> None:
        """Drop a deleted user's list and membership, so a new user of the same name starts unrestricted."""
        account_id = self.user_access(username).account_id
        if account_id:
            self._r.srem(keys.account_members(account_id), username)
        self._r.delete(keys.user_access(username))

    # --- the account's side ---------------------------------------------------------------------------

    def create_account(self, record: AccountRecord) -> bool:
        """False if the account exists already; the check and the write are one step."""
        fields = pairs(record.to_hash())
        return bool(self._scripts("create_hash", [keys.account(record.account_id)], [0, *fields]))

    def delete_account(self, account_id: str) -> None:
        self._r.delete(keys.account(account_id), keys.account_members(account_id))

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

    def add_members(self, account_id: str, usernames: list[str]) -> None:
        if usernames:
            self._r.sadd(keys.account_members(account_id), *usernames)

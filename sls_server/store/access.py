"""IP restrictions in Redis: a user's allowlist and account link, an account's allowlist and members.

A user's side lives in one hash under the user's tag (``allowlist`` as a JSON array, ``account``), an
account's in a hash and a member set under the account's tag, so every step touches one slot. A list
is replaced by writing one field: readers see the old list or the new one, never a mix.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from . import keys
from .base import Scripts, guarded, pairs


def _encode(entries: list[str]) -> str:
    return json.dumps(entries, separators=(",", ":"))


def decode_list(text: str | None) -> list[str]:
    return list(json.loads(text)) if text else []


@guarded
class AccessRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    # --- the user's side ----------------------------------------------------------------------------

    def user_access(self, username: str) -> tuple[str | None, str | None]:
        """(the user's allowlist as stored JSON or None, their account id or None), in one read.

        The raw JSON is returned so the caller can cache the parsed networks by it.
        """
        allowlist, account_id = self._r.hmget(keys.user_access(username), ["allowlist", "account"])
        return allowlist, account_id

    def set_user_allowlist(self, username: str, entries: list[str]) -> None:
        """Replace the user's list; an empty list removes it (unrestricted)."""
        if entries:
            self._r.hset(keys.user_access(username), "allowlist", _encode(entries))
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
        _, account_id = self.user_access(username)
        if account_id:
            self._r.srem(keys.account_members(account_id), username)
        self._r.delete(keys.user_access(username))

    # --- the account's side ---------------------------------------------------------------------------

    def create_account(self, account_id: str, record: dict[str, Any], entries: list[str]) -> bool:
        """False if the account exists already; the check and the write are one step."""
        fields = pairs({**record, "allowlist": _encode(entries)})
        return bool(self._scripts("create_hash", [keys.account(account_id)], [0, *fields]))

    def delete_account(self, account_id: str) -> None:
        self._r.delete(keys.account(account_id), keys.account_members(account_id))

    def account(self, account_id: str) -> tuple[dict[str, str], list[str]] | None:
        """(the account's hash, its members sorted) or None; one round trip, both keys in one slot."""
        pipe = self._r.pipeline(transaction=True)
        pipe.hgetall(keys.account(account_id))
        pipe.smembers(keys.account_members(account_id))
        record, members = pipe.execute()
        if not record:
            return None
        return record, sorted(members)

    def account_allowlist(self, account_id: str) -> str | None:
        """The account's list as stored JSON, or None if the account is gone."""
        value = self._r.hget(keys.account(account_id), "allowlist")
        return str(value) if value is not None else None

    def set_account_allowlist(self, account_id: str, entries: list[str]) -> bool:
        """Replace the account's list; False (nothing written) if there is no such account."""
        written = self._scripts("hset_if_exists", [keys.account(account_id)], ["allowlist", _encode(entries)])
        return bool(written)

    def add_members(self, account_id: str, usernames: list[str]) -> None:
        if usernames:
            self._r.sadd(keys.account_members(account_id), *usernames)

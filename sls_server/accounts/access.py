"""IP restrictions: a login, and every request of a session, only from addresses the user designated.

A user may have their own allowlist; a multi-user account groups users and its list applies to all of
them. Both must allow an address when both are set (the trader's list narrows the account's); an empty
list restricts nothing. The login check runs before the password is looked at, so a client at a wrong
address learns nothing about the password: the refusal is the same whatever was typed. An unknown
username has no list, so it passes here and fails the password check like any wrong password.

No Flask here: the HTTP layer resolves the client address (:mod:`sls_server.accounts.clientip`) and
parses bodies.
"""

from __future__ import annotations

import functools
from typing import Any

from ..events import EventLog
from ..store import Store
from ..store.records import AccountRecord, UserAccess
from .allowlists import canonical_account_id, parse_allowlist, parse_usernames
from .clientip import IPNetwork, in_networks, parse_ip, parse_network
from .errors import AccountExists, UnknownAccount, UserInAnotherAccount, UserNotFound
from .users import USERNAME_RE, canonical_username


@functools.lru_cache(maxsize=128)
def _networks(stored: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Parsed once per distinct stored list: the guard runs on every authenticated request."""
    return tuple(parse_network(entry) for entry in stored)


class IpRestrictions:
    """Who may log in from where (``allowed``, which the login step and every session request ask), and
    the allowlists' administration."""

    def __init__(self, store: Store, events: EventLog) -> None:
        self._store = store
        self._events = events

    # --- the checks -----------------------------------------------------------------------------------

    def allowed(self, username: str, ip: str | None, access: UserAccess | None = None) -> bool:
        """May ``ip`` log in as (or use a session of) ``username``? An unknown address passes only when
        no list applies: failing closed, since an address we cannot read cannot be shown to be allowed.
        ``access`` is the user's rules if the caller read them with its own step (no second round trip)."""
        if not USERNAME_RE.fullmatch(username):
            return True  # not a username that could exist, so no list; the password check refuses it
        if access is None:
            access = self._store.access.user_access(username)
        lists = [_networks(access.allowlist)] if access.allowlist else []
        if access.account_id:
            shared = self._store.access.account_allowlist(access.account_id)
            if shared:
                lists.append(_networks(shared))
        if not lists:
            return True
        try:
            address = parse_ip(ip or "")
        except ValueError:
            return False
        return all(in_networks(address, networks) for networks in lists)

    # --- a user's own list ----------------------------------------------------------------------------

    def user_allowlist(self, username: str) -> dict[str, Any]:
        access = self._store.access.user_access(username)
        return {"username": username, "ip_allowlist": list(access.allowlist), "account_id": access.account_id}

    def set_user_allowlist(
        self, username: str, entries: object, *, now: int, by_user: bool = False
    ) -> dict[str, Any]:
        """Replace the list of an existing user (the caller checked); an empty list lifts the restriction.
        ``by_user``: the user set it themselves (the event says so), not an administrator."""
        parsed = parse_allowlist(entries)
        self._store.access.set_user_allowlist(username, parsed)
        detail: dict[str, Any] = {"entries": len(parsed)}
        if by_user:
            detail["by"] = "user"
        self._events.record("ip.allowlist_changed", at=now, user=username, detail=detail)
        return self.user_allowlist(username)

    def account_allowlist_of(self, username: str) -> list[str]:
        """The list of the account the user trades under, which the user's own narrows (none: empty)."""
        account_id = self._store.access.user_access(username).account_id
        return list(self._store.access.account_allowlist(account_id) or ()) if account_id else []

    # --- multi-user accounts --------------------------------------------------------------------------

    def account(self, account_id: str) -> dict[str, Any]:
        aid = canonical_account_id(account_id)
        found = self._store.access.account(aid)
        if found is None:
            raise UnknownAccount()
        record, members = found
        return {
            "account_id": aid,
            "users": members,
            "ip_allowlist": list(record.allowlist),
            "created_at": record.created_at,
        }

    def create_account(
        self, account_id: object, users: object, allowlist: object, *, now: int
    ) -> dict[str, Any]:
        """A new account with its users and list. All checks come first so a refusal stores nothing; a user
        claimed by another account in a race undoes what was done and refuses."""
        aid = canonical_account_id(account_id)
        names = parse_usernames(users)
        entries = parse_allowlist(allowlist)
        for name in names:
            self._require_user(name)
        if self._store.access.account(aid) is not None:
            raise AccountExists()
        for name in names:
            self._refuse_if_elsewhere(name, aid)
        if not self._store.access.create_account(AccountRecord(aid, now, tuple(entries))):
            raise AccountExists()
        linked: list[str] = []
        try:
            for name in names:
                other = self._store.access.link_account(name, aid)
                if other is not None:
                    raise UserInAnotherAccount(username=name, account_id=other)
                linked.append(name)
        except UserInAnotherAccount:
            for name in linked:
                self._store.access.unlink_account(name, aid)
            self._store.access.delete_account(aid)
            raise
        self._store.access.add_members(aid, names)
        self._events.record(
            "account.created",
            at=now,
            detail={"account_id": aid, "users": len(names), "entries": len(entries)},
        )
        return self.account(aid)

    def set_account_allowlist(self, account_id: str, entries: object, *, now: int) -> dict[str, Any]:
        aid = canonical_account_id(account_id)
        parsed = parse_allowlist(entries)
        if not self._store.access.set_account_allowlist(aid, parsed):
            raise UnknownAccount()
        self._events.record(
            "ip.allowlist_changed", at=now, detail={"account_id": aid, "entries": len(parsed)}
        )
        return self.account(aid)

    def add_user_to_account(self, account_id: str, username: str, *, now: int) -> dict[str, Any]:
        """Idempotent for a member; 409 ``user_in_account`` if the user trades under another account."""
        aid = canonical_account_id(account_id)
        name = canonical_username(username)
        self._require_user(name)
        if self._store.access.account(aid) is None:
            raise UnknownAccount()
        other = self._store.access.link_account(name, aid)
        if other is not None:
            raise UserInAnotherAccount(username=name, account_id=other)
        self._store.access.add_members(aid, [name])
        self._events.record("account.user_added", at=now, user=name, detail={"account_id": aid})
        return self.account(aid)

    def _require_user(self, name: str) -> None:
        if not self._store.users.get(name):
            raise UserNotFound(username=name)

    def _refuse_if_elsewhere(self, name: str, account_id: str) -> None:
        current = self._store.access.user_access(name).account_id
        if current and current != account_id:
            raise UserInAnotherAccount(username=name, account_id=current)


def admits(entries: list[str], ip: str | None) -> bool:
    """Whether a parsed, non-empty list lets ``ip`` in (an address that cannot be read is never shown to)."""
    try:
        address = parse_ip(ip or "")
    except ValueError:
        return False
    return in_networks(address, _networks(tuple(entries)))

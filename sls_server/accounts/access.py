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
from ..ipnets import IPNetwork, in_networks, parse_ip, parse_network
from ..store import Store
from ..store.records import AccountRecord, UserAccess
from .account_deletion import finish_account_deletion
from .allowlists import canonical_account_id, parse_allowlist, parse_usernames
from .errors import (
    AccountExists,
    AccountMadeAgain,
    UnknownAccount,
    UserInAnotherAccount,
    UserNotFound,
    UserNotInAccount,
)
from .rules import judge, new_account
from .user_fields import USERNAME_RE, canonical_username


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
        """The user's own list and their account (none for a link to an account deleted meanwhile)."""
        access = self._store.access.user_access(username)
        account_id = self._live(access.account_id)
        return {"username": username, "ip_allowlist": list(access.allowlist), "account_id": account_id}

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
    #
    # A membership is written on two sides in two slots: the account's member set and the user's link (what
    # ``allowed`` reads). Each change orders its steps so that every state in between is harmless: a user
    # joins by the link first, then the set (written only while the account exists); leaves by the link
    # first, then the set; an account goes by its record and set first, in one step leaving a mark of what
    # is left (its list then applies to no one), then each member's link, then the mark
    # (:meth:`finish_deletion`). A link left naming an account that is gone (a deletion cut short) is no
    # membership: it is shown as none, passes to the next account the user joins, and a delete or create of
    # that id, or a state import bringing it back, finishes the deletion first (the id refused meanwhile).

    def accounts(self) -> list[dict[str, Any]]:
        """Every account, by id."""
        found = self._store.access.accounts(self._store.inventory.account_ids())
        return [_account_view(record, members) for record, members in found]

    def account(self, account_id: str) -> dict[str, Any]:
        aid = canonical_account_id(account_id)
        found = self._store.access.account(aid)
        if found is None:
            raise UnknownAccount()
        return _account_view(*found)

    def create_account(
        self, account_id: object, users: object, allowlist: object, *, now: int
    ) -> dict[str, Any]:
        """A new account with its users and list. All checks come first so a refusal stores nothing; a user
        claimed by another account in a race undoes what was done and refuses."""
        judge(new_account({"account_id": account_id, "users": users, "ip_allowlist": allowlist}))
        aid = canonical_account_id(account_id)
        names = parse_usernames(users)
        entries = parse_allowlist(allowlist)
        for name in names:
            self._require_user(name)
        if self._store.access.account(aid) is not None:
            raise AccountExists()
        for name in names:
            self._refuse_if_elsewhere(name, aid)
        self.finish_deletion(aid, now=now)  # one of the id cut short: the new account inherits nothing of it
        incarnation = self._store.access.create_account(AccountRecord(aid, now, tuple(entries)))
        if incarnation is None:
            raise AccountExists()
        linked: list[str] = []
        try:
            for name in names:
                other = self._link(name, aid, incarnation)
                if other == aid:  # their link names a later making of this id: this one was deleted since
                    raise AccountExists.made_again()
                if other is not None:
                    raise UserInAnotherAccount(username=name, account_id=other)
                linked.append(name)
        except (UserInAnotherAccount, AccountExists):
            for name in linked:
                self._store.access.unlink_account(name, aid, incarnation)
            self._store.access.delete_account(aid, incarnation)  # only this making: never a later one's
            raise
        if not self._store.access.add_members(aid, incarnation, names):  # deleted the moment it was made
            for name in linked:  # its deletion read no member to release: the set was not written yet
                self._store.access.unlink_account(name, aid, incarnation)
            raise UnknownAccount()
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
        for _ in range(2):  # once more when the account was made again meanwhile: judged as it then stands
            incarnation = self._store.access.incarnation(aid)
            if incarnation is None:
                raise UnknownAccount()
            other = self._link(name, aid, incarnation)
            if other != aid:  # their link names a later making of this id, or none: it stands as read
                break
        else:
            raise AccountMadeAgain(username=name, account_id=aid)
        if other is not None:
            raise UserInAnotherAccount(username=name, account_id=other)
        if not self._store.access.add_members(aid, incarnation, [name]):  # deleted (or made again) since read
            self._store.access.unlink_account(name, aid, incarnation)
            raise UnknownAccount()
        self._events.record("account.user_added", at=now, user=name, detail={"account_id": aid})
        return self.account(aid)

    def remove_user_from_account(self, account_id: str, username: str, *, now: int) -> dict[str, Any]:
        """The user leaves the account and keeps their own list; the account stays, with no users if they
        were its last (as one can be created). 404 ``user_not_in_account`` if they are not in it."""
        aid = canonical_account_id(account_id)
        name = canonical_username(username)
        self._require_user(name)
        found = self._store.access.account(aid)
        if found is None:
            raise UnknownAccount()
        linked = self._store.access.user_access(name).account_id == aid
        if not linked and name not in found[1]:
            raise UserNotInAccount(username=name, account_id=aid)
        self._store.access.unlink_account(name, aid)  # the account's list no longer applies to them
        self._store.access.remove_member(aid, name)
        self._events.record("account.user_removed", at=now, user=name, detail={"account_id": aid})
        return self.account(aid)

    def delete_account(self, account_id: str, *, now: int, import_taken_back: bool = False) -> dict[str, Any]:
        """The account and its list go; its users stay, each with their own list, in no account.

        Finishable, as a user's deletion (``UserService.delete``): the step deleting the record leaves what is
        left to do in its place (``AccessRepo.remove_account``), which the rest works through
        (:meth:`finish_deletion`). A deletion cut short after that step is finished by this sent again for
        the id, answering as for a deletion; 404 only when there is neither an account nor a deletion to
        finish. Two ``DELETE``s racing both answer as for a deletion, with its members, whichever finishes it:
        the one that deleted the record was a 404 when the other finished first. ``import_taken_back``: a
        refused state import deleting again an account it wrote, which ``account.deleted`` says
        (``event_details.deletion_detail``)."""
        aid = canonical_account_id(account_id)
        # its list applies to no one from here
        removed = self._store.access.remove_account(aid, now=now, import_taken_back=import_taken_back)
        members = finish_account_deletion(
            self._store,
            self._events,
            aid,
            now=now,
            resumed=removed is None,
            import_taken_back=import_taken_back,
        )
        members = removed if members is None else members  # another request finished this one's deletion
        if members is None:
            raise UnknownAccount()
        return {"deleted": aid, "users": members}

    def finish_deletion(self, account_id: str, *, now: int) -> bool:
        """Finish a deletion of the id cut short after the account's record went
        (``AccessRepo.deletion_left``): release each member's link still naming it, then record
        ``account.deleted`` (``event_details.deletion_detail``). False when there is none to finish. Two
        requests finishing it at once both release (harmless twice); the event is written once
        (``EventLog.record_once``) before the mark is released (``AccessRepo.end_deletion``), as a user's."""
        aid = canonical_account_id(account_id)
        return finish_account_deletion(self._store, self._events, aid, now=now, resumed=True) is not None

    def _link(self, name: str, account_id: str, incarnation: str) -> str | None:
        """Link the user to that incarnation of the account: None, or the other account they trade under. A
        link to an account that is gone (an earlier making of this id included) is taken over, if it still
        names it."""
        held = self._store.access.link_account(name, account_id, incarnation)
        if held is None:
            return None
        if self._store.access.incarnation(held[0]) == held[1]:
            return held[0]
        if self._store.access.relink_account(name, held, account_id, incarnation):
            return None
        held = self._store.access.link_account(
            name, account_id, incarnation
        )  # changed meanwhile: as it is now
        return None if held is None else held[0]

    def _live(self, account_id: str | None) -> str | None:
        """The account a link names, if it exists."""
        return account_id if account_id and self._store.access.account_exists(account_id) else None

    def _require_user(self, name: str) -> None:
        if not self._store.users.get(name):
            raise UserNotFound(username=name)

    def _refuse_if_elsewhere(self, name: str, account_id: str) -> None:
        current = self._live(self._store.access.user_access(name).account_id)
        if current and current != account_id:
            raise UserInAnotherAccount(username=name, account_id=current)


def _account_view(record: AccountRecord, members: list[str]) -> dict[str, Any]:
    return {
        "account_id": record.account_id,
        "users": members,
        "ip_allowlist": list(record.allowlist),
        "created_at": record.created_at,
    }


def admits(entries: list[str], ip: str | None) -> bool:
    """Whether a parsed, non-empty list lets ``ip`` in (an address that cannot be read is never shown to)."""
    try:
        address = parse_ip(ip or "")
    except ValueError:
        return False
    return in_networks(address, _networks(tuple(entries)))

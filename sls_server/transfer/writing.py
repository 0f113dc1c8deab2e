"""Write a checked document (``plan.Plan``) into the store: refused first, beside the world, when any of its
records exists already; then its records, accounts first (each with its IP allowlist), then users (each
with their own allowlist and their link to their account, in the step that creates them), and the world's
settings over a world replaced.

A multi-user account's list applies to each of its members (``accounts.access``). The accounts go before the
users, so a member is never there outside their account: written the other way round, a member of an
account with a list could log in from addresses it refuses until the link was written, or for good were
the import cut in between. An account's member set is written once its members exist (a link before the
set: the order the core joins a user by).

A create the store refuses (another request's create of the name or id, or another import's, got there
between the checks and the write) stops the import there: the users and accounts it wrote are deleted again
(``UserService.delete`` and ``IpRestrictions.delete_account``, with their events: anything may have seen
them meanwhile) and it is 409 naming that user or account, with no other record of the document written.
Going on, it wrote the document's devices into the other request's user and the rest of the world beside
them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import Conflict
from .plan import Plan
from .reseal import Resealer

if TYPE_CHECKING:
    from ..store import Store


class WorldWriter:
    def __init__(
        self,
        store: Store,
        resealer: Resealer,
        *,
        gateway_instance: str,
        delete_user: Callable[[str], object],
        delete_account: Callable[[str], object],
    ) -> None:
        """``delete_user(username)`` and ``delete_account(account_id)`` delete a user or an account this
        import wrote, when a later create of it is refused (``UserService.delete``,
        ``IpRestrictions.delete_account``)."""
        self._delete_user = delete_user
        self._delete_account = delete_account
        self._store = store
        self._resealer = resealer
        self._gateway_instance = gateway_instance

    def refuse_clashes(self, checked: Plan) -> None:
        """409 naming the first user, device, account or app of the document that exists already: an import
        beside the world adds to it, and never writes over what is there."""
        store = self._store
        clashes = [
            ("users", [i for i, user in enumerate(checked.users) if store.users.get(user.username)]),
            (
                "devices",
                [i for i, device in enumerate(checked.devices) if store.devices.get(device.device_id)],
            ),
            (
                "accounts",
                [i for i, (acc, _) in enumerate(checked.accounts) if store.access.account(acc.account_id)],
            ),
            ("ibkey_apps", [i for i, app in enumerate(checked.apps) if store.ibkey.get_app(app.app_id)]),
        ]
        for where, found in clashes:
            if found:
                raise Conflict(
                    f"{where}[{found[0]}] exists already on this server; "
                    "import with replace=true (sls state import --replace) to wipe the world first",
                    field=where,
                    index=found[0],
                )

    def write(self, checked: Plan, *, replaced: bool, frozen_at: int | None) -> None:
        """Write the checked records; the world's settings (the clock, the gateway's daily reset) only over
        a world ``replaced``. 409 naming the account or user, and nothing of the document left written, when
        the store refuses its create (:meth:`_write_accounts`, :meth:`_write_users`)."""
        self.write_records(checked, replaced=replaced)
        self.write_settings(checked, replaced=replaced, frozen_at=frozen_at)

    def write_records(self, checked: Plan, *, replaced: bool) -> None:
        """:meth:`write` but the world's settings: what an import writes in one transaction, where it can
        (``service``)."""
        store = self._store
        accounts = self._write_accounts(checked, replaced=replaced)
        self._write_users(checked, replaced=replaced, accounts=accounts)
        for device in checked.devices:  # what was sealed under the key itself is sealed as now (``reseal``)
            store.devices.create(self._resealer.device_record(device))
        for username, device_ids in checked.user_devices.items():
            for device_id in device_ids:
                store.users.add_device(username, device_id)
        for account, members in checked.accounts:  # each member linked already, in their create
            store.access.add_members(account.account_id, accounts[account.account_id], members)
        for username, buckets in checked.lockouts.items():
            known = checked.known_ips[username]
            if buckets or known or not replaced:  # not wiped first: what counted at the name before goes
                store.lockout.restore(username, buckets, known)
        for app in checked.apps:
            store.ibkey.create_app(self._resealer.app(app) or app)
        for number, conditions in checked.phones:
            store.phones.set_conditions(number, conditions)

    def write_settings(self, checked: Plan, *, replaced: bool, frozen_at: int | None) -> None:
        """The world's settings, over a world ``replaced``: the clock (which every process is told of at
        once, so not from inside a transaction) and the gateway's daily reset."""
        store = self._store
        if replaced and frozen_at is not None:
            store.clock.set_at(frozen_at, system_now=int(time.time()), freeze=True)
        elif replaced:
            store.clock.set_offset(checked.clock_offset_s)
        if replaced and checked.daily_reset is not None:
            value, since = checked.daily_reset
            store.gateway.set_daily_reset(self._gateway_instance, value, since=since)

    def recorded(self, store: Store) -> WorldWriter:
        """The same writer on ``store`` (one recording its writes: ``Store.recording``)."""
        return WorldWriter(
            store,
            self._resealer,
            gateway_instance=self._gateway_instance,
            delete_user=self._delete_user,
            delete_account=self._delete_account,
        )

    def _write_accounts(self, checked: Plan, *, replaced: bool) -> dict[str, str]:
        """Create every account of the document, each with its list, before its members exist (their creates
        link them: :meth:`_write_users`); the ids made, each with its incarnation (which its members' links
        name: ``AccessRepo.create_account``), in the order made. When the store refuses one (an account of
        the id created by another request since the checks, or a deletion of it cut short since), delete
        again those made and refuse naming it."""
        made: dict[str, str] = {}
        for index, (account, _) in enumerate(checked.accounts):
            incarnation = self._store.access.create_account(account)
            if incarnation is not None:
                made[account.account_id] = incarnation
                continue
            self._undo([], list(made))
            raise _refused("accounts", index, replaced=replaced)
        return made

    def _write_users(self, checked: Plan, *, replaced: bool, accounts: dict[str, str]) -> None:
        """Create every user of the document, after the accounts (``accounts``, the ids made and their
        incarnations) and before any
        other record of it, each with their IP allowlist and their account's link in the same step
        (``UserRepo.create``): written after, the user was there without it, free to log in from anywhere
        meanwhile (or for good, the import cut in between). When the store refuses one (a user of the name
        created by another request since the checks, or a deletion of it cut short since), delete again the
        users and accounts made and refuse the import naming it. Over a world ``replaced``, the wipe stays
        (it cannot be undone): the document imported again with ``replace`` puts it right."""
        made: list[str] = []
        for index, user in enumerate(checked.users):
            name = user.username
            allowlist = checked.allowlists.get(name, ())
            account_id = checked.user_accounts.get(name)
            account = None if account_id is None else (account_id, accounts[account_id])
            if self._store.users.create(user, allowlist, account):
                made.append(name)
                if user.phone:  # the phone's events name its owner (``PhoneService.owners``)
                    self._store.phones.add_owner(user.phone, name)
                continue
            self._undo(made, list(accounts))
            raise _refused("users", index, replaced=replaced)

    def _undo(self, users: list[str], accounts: list[str]) -> None:
        """Delete again the users, then the accounts, this import made (the last made first)."""
        for name in reversed(users):
            self._delete_user(name)
        for account_id in reversed(accounts):
            self._delete_account(account_id)


def _refused(where: str, index: int, *, replaced: bool) -> Conflict:
    """409 naming the record whose create the store refused; none of the document is kept."""
    wiped = " (the world was wiped before: import it again with replace=true)" if replaced else ""
    deletion = f", or a deletion of the {'name' if where == 'users' else 'id'} is unfinished"
    return Conflict(
        f"{where}[{index}] was created on this server while the import ran{deletion}: "
        f"none of the document is kept{wiped}",
        field=where,
        index=index,
    )

"""Export the world as a state document (``export``: what is in one and why), and import one: checked whole
first (``plan``), then written (``writing``).

An import that is refused changes nothing: the whole document is read into records and checked before the
first write. What "nothing" means beside requests running at the same time: an import refused because another
request created one of its users after the checks (409 ``users``, ``writing``) leaves none of the document
written, the users and accounts it had created deleted again (each ``user.deleted`` or ``account.deleted``
with ``detail.import_taken_back``: the trail showed none of them created), and what the other requests did
stands; before it, a deletion of one of its names or account ids left unfinished was finished (work owed,
which any create of the name or id does first), and with ``replace`` the wipe stays. That is the Cluster's
way (record by record). On one Redis (plain or Sentinel's master) the wipe and every record go in one
MULTI/EXEC under WATCH of the records' keys (``store.transaction``): another request's create since the
checks is a 409 with nothing written, and a Redis lost in the middle (503 ``store_unavailable``) leaves the
world as it was, or, the answer lost after Redis ran it, the document whole. On a Cluster, a Redis outage in
the middle of the writes can leave part of a document written; importing it again with ``replace`` puts it
right.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from ..accounts.errors import UnknownAccount, UserNotFound
from ..errors import Conflict
from ..shapes.clock import CLOCK_MAX, CLOCK_MIN
from ..shapes.state import StateCounts, StateDocument
from ..store.transaction import Recorder, created_keys
from .export import counts_of, world_document
from .plan import Plan, RecordChecks, plan
from .reseal import Resealer
from .writing import WorldWriter

if TYPE_CHECKING:
    from ..clock import Clock
    from ..events import EventLog
    from ..store import Store
    from ..wiring import Core


#: Times an import on one Redis is judged and sent again when another request wrote one of its records' keys
#: meanwhile (the next judgement finds the clash, and refuses it).
WATCH_TRIES = 3


class StateTransfer:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        events: EventLog,
        secret_key: bytes,
        checks: RecordChecks,
        resealer: Resealer,
        *,
        gateway_instance: str,
        finish_deletion: Callable[[str], object],
        finish_account_deletion: Callable[[str], object],
        delete_user: Callable[[str], object],
        delete_account: Callable[[str], object],
    ) -> None:
        """``finish_deletion(username)`` finishes a deletion of the name cut short
        (``UserService.finish_deletion``), before an import beside the world writes a user of that name, and
        ``finish_account_deletion(account_id)`` one of an account (``IpRestrictions.finish_deletion``: its
        former members' links still naming the id would make them members of the imported account);
        ``delete_user(username)`` deletes a user the import wrote, when a later one is refused
        (``UserService.delete``, ``writing``); ``delete_account(account_id)`` likewise an account
        (``IpRestrictions.delete_account``)."""
        self._finish_deletion = finish_deletion
        self._finish_account_deletion = finish_account_deletion
        self._writer = WorldWriter(
            store,
            resealer,
            gateway_instance=gateway_instance,
            delete_user=delete_user,
            delete_account=delete_account,
        )
        self._gateway_instance = gateway_instance
        self._store = store
        self._clock = clock
        self._events = events
        self._key = secret_key
        self._checks = checks

    @classmethod
    def of(cls, core: Core) -> StateTransfer:
        settings = core.settings
        assert settings.secret_key is not None  # resolved before the core is built
        checks = RecordChecks(device=core.factors.check_stored, app=core.ibkey.check_stored)
        key, instance = settings.secret_key, settings.gateway_instance
        resealer = core.resealer

        def finish_deletion(username: str) -> bool:
            return core.users.finish_deletion(username, now=core.clock.now())

        def finish_account_deletion(account_id: str) -> bool:
            return core.ip_rules.finish_deletion(account_id, now=core.clock.now())

        def delete_user(username: str) -> None:
            with suppress(UserNotFound):  # deleted by another request meanwhile: gone all the same
                core.users.delete(username, now=core.clock.now(), import_taken_back=True)

        def delete_account(account_id: str) -> None:
            with suppress(UnknownAccount):  # deleted by another request meanwhile: gone all the same
                core.ip_rules.delete_account(account_id, now=core.clock.now(), import_taken_back=True)

        return cls(
            core.store,
            core.clock,
            core.events,
            key,
            checks,
            resealer,
            gateway_instance=instance,
            finish_deletion=finish_deletion,
            finish_account_deletion=finish_account_deletion,
            delete_user=delete_user,
            delete_account=delete_account,
        )

    # --- export ------------------------------------------------------------------------------------------

    def export(self, *, demo_world: bool = False) -> dict[str, Any]:
        """The world as a state document, recorded as ``state.exported``. ``demo_world``: the document is to
        be kept as the demo world (``demo_world.DemoWorld.keep``), which calls :meth:`recorded` itself once
        it is kept."""
        document = world_document(
            self._store,
            self._clock.reading(),
            secret_key=self._key,
            gateway_instance=self._gateway_instance,
        )
        if not demo_world:
            self.recorded(document)
        return document

    def recorded(self, document: dict[str, Any], *, demo_world: bool = False) -> None:
        """``state.exported`` with what the document holds; ``detail.demo_world`` when it was kept as the
        demo world: the console shows its "Back to the demo world" from that event on, without a reload."""
        detail: dict[str, Any] = dict(counts_of(document))
        if demo_world:
            detail["demo_world"] = True
        self._events.record("state.exported", at=document["exported_at"], detail=detail)

    # --- import ------------------------------------------------------------------------------------------

    def _finish_deletions(self, checked: Plan) -> None:
        """Finish the deletions of the document's names and account ids left unfinished, before an import
        beside the world writes them."""
        for account, _ in checked.accounts:  # likewise an account: its former members would join it
            self._finish_account_deletion(account.account_id)
        for user in checked.users:  # a user written over a deletion left half done would inherit it
            self._finish_deletion(user.username)

    def _write_in_one_step(self, checked: Plan, *, replace: bool, frozen_at: int | None) -> None:
        """On one Redis: the wipe (with ``replace``) and every record in one MULTI/EXEC
        (``store.transaction``), so a Redis lost in the middle leaves the world as it was, never part of the
        document written; the clash checks under WATCH of the records' keys, so a create by another request
        since is a 409 with nothing written. Then the world's settings, which the clock's readers are told
        of at once (outside the transaction)."""
        if not replace:
            self._finish_deletions(checked)  # before the WATCH: they write the marks it watches
        watched = created_keys(
            [user.username for user in checked.users],
            [device.device_id for device in checked.devices],
            [account.account_id for account, _ in checked.accounts],
            [app.app_id for app in checked.apps],
        )

        def checks() -> None:
            if not replace:
                self._writer.refuse_clashes(checked)

        def record() -> Recorder:
            store, recorder = self._store.recording()
            if replace:
                found = self._store.world_keys()
                for start in range(0, len(found), 500):
                    store.client.unlink(*found[start : start + 500])
            self._writer.recorded(store).write_records(checked, replaced=replace)
            return recorder

        for _ in range(WATCH_TRIES):
            refused = self._store.in_one_step(watched, checks, record)
            if refused is None:  # another request wrote a watched key meanwhile: judged again
                continue
            if refused:
                raise Conflict(
                    "a deletion of one of the document's names or ids began while the import ran: import it "
                    "again with replace=true",
                    field="users",
                )
            break
        else:
            raise Conflict("the world kept changing while the import ran: nothing was written; try again")
        if replace:
            self._store.clock.announce_reset()
        self._writer.write_settings(checked, replaced=replace, frozen_at=frozen_at)

    def _write_record_by_record(self, checked: Plan, *, replace: bool, frozen_at: int | None) -> None:
        """On a Redis Cluster, which has no transaction across slots: record by record, a create refused
        taking back what the import wrote (``writing``); a Redis lost in the middle can leave part of the
        document written, which importing it again with ``replace`` puts right."""
        if not replace:
            self._writer.refuse_clashes(checked)
            self._finish_deletions(checked)
        if replace:
            self._store.reset()
        self._writer.write(checked, replaced=replace, frozen_at=frozen_at)

    def import_(
        self,
        document: StateDocument,
        *,
        replace: bool,
        demo_world: bool = False,
        kept_at_ms: int | None = None,
    ) -> StateCounts:
        """Check everything, then (after wiping the world, with ``replace``) write it all. ``demo_world``: it
        is the kept demo world put back, which its ``state.imported`` says (``detail.demo_world``), so the
        feed reads "Back to the demo world", the button the trainer pressed, not a bare "State imported";
        ``kept_at_ms``, when that world was kept (``detail.kept_at_ms``)."""
        system_now = int(time.time())
        frozen_at = document.settings.clock_frozen_at
        if frozen_at is not None:  # a frozen clock's offset is where it stands from now (the shape bounds it)
            settings = document.settings.model_copy(update={"clock_offset_s": frozen_at - system_now})
            document = document.model_copy(update={"settings": settings})
        checked = plan(
            document,
            secret_key=self._key,
            checks=self._checks,
            clock_bounds=(CLOCK_MIN, CLOCK_MAX),
            system_now=system_now,
        )
        if self._store.transactional:
            self._write_in_one_step(checked, replace=replace, frozen_at=frozen_at)
        else:
            self._write_record_by_record(checked, replace=replace, frozen_at=frozen_at)
        counts = counts_of(document.model_dump())
        detail: dict[str, Any] = {**counts, "replaced": replace}
        if demo_world:
            detail["demo_world"] = True
        if kept_at_ms is not None:
            detail["kept_at_ms"] = kept_at_ms
        self._events.record("state.imported", at=self._clock.now(), detail=detail)
        return counts

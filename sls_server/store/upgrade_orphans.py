"""What a kept world's deletions and changes of number left for good before form 3, reclaimed once at the
upgrade (``upgrade.upgrade_stored_state``) as this release's own requests would have: its keys are scanned
here, at start-up only.

* A number nobody has: its owners (``keys.phone_owners``) named every user ever given it, and nothing was
  taken off. Each name whose record no longer has the number is taken off as its deletion or move away would
  have (``PhoneRepo.release``, one script per name): a number still some user's keeps its phone, for good; one
  last left by deleted users goes at once; one a user still there moved away from is kept 30 days (the notice
  of the change stays readable), as is one nobody was ever given (texted, its conditions set).
* An IB Key app with nobody on it nor being added: only a deletion empties one (an app is created with its
  first user), which now deletes it with its inbox; it goes, unless written since it was read.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import keys
from .base import text
from .phones import MOVED_AWAY_KEPT_S

if TYPE_CHECKING:
    from . import Store

#: What ``keys.outbox_cursor`` names for an authenticator app's codes: a handset, not a number; its one key
#: has an expiry of its own.
APP_HANDSET = "app:"


@dataclass(frozen=True, slots=True)
class Reclaimed:
    """What the clean-up did, for the start-up's log line."""

    phones_dropped: int = 0
    phones_expiring: int = 0
    apps_dropped: int = 0

    @property
    def any(self) -> bool:
        return bool(self.phones_dropped or self.phones_expiring or self.apps_dropped)


def reclaim_orphans(store: Store, holders: Mapping[str, Set[str]], users: Set[str]) -> Reclaimed:
    """``holders``: each number to the users whose record has it; ``users``: every user there is."""
    dropped = expiring = 0
    for number in _numbers(store):
        if number.startswith(APP_HANDSET):
            continue
        outcome = _release_stale(store, number, holders.get(number, set()), users)
        dropped += outcome == "dropped"
        expiring += outcome == "expiring"
    return Reclaimed(dropped, expiring, _drop_empty_apps(store))


def _numbers(store: Store) -> set[str]:
    head = keys.phone_owners("").partition("}")[0]  # "sls:{p:"
    found = set()
    for key in store.client.scan_iter(match=f"{head}*", count=1000):
        number = text(key)[len(head) :].partition("}")[0]
        if number:
            found.add(number)
    return found


def _release_stale(store: Store, number: str, holders: Set[str], users: Set[str]) -> str:
    """Each owner whose record no longer has ``number`` released, the deleted ones first and the ones who
    moved away last, so a number one of them moved away from is kept a while (the last release decides)."""
    stale = [name for name in store.phones.owners(number) if name not in holders]
    if holders:
        for name in stale:
            store.phones.release(number, name)  # others own it: only the name goes
        return "kept"
    gone = [name for name in stale if name not in users]
    moved = [name for name in stale if name in users]
    if gone and not moved:
        for name in gone:
            store.phones.release(number, name)
        return "dropped"
    for name in gone:
        store.phones.release(number, name)
    # nobody was ever given it (texted, its conditions set): released by no name, kept a while as well
    for name in moved or [""]:
        store.phones.release(number, name, keep_s=MOVED_AWAY_KEPT_S)
    return "expiring"


def _drop_empty_apps(store: Store) -> int:
    dropped = 0
    empty = keys.ibkey_app("")
    head, tail = empty.partition("}")[0], "}" + empty.partition("}")[2]
    for found in list(store.client.scan_iter(match=keys.ibkey_app("*"), count=1000)):
        key = text(found)
        app_id = key[len(head) : len(key) - len(tail)] if key.endswith(tail) else ""
        record = store.ibkey.get_app(app_id) if app_id else None
        if record is None or record.users or record.pending:
            continue
        dropped += store.ibkey.delete_app_at(app_id, record.version)
    return dropped

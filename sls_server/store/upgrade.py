"""Stored state an earlier release wrote, carried over once at start-up (``sls serve``, ``sls demo``) so a
kept world (a demo's data folder, a QA Redis) is read as that release meant it. Its keys are scanned here, at
start-up only: no request ever scans for them.

What changed, and what is done about it (form 2):

* Each number's owners (``keys.phone_owners``), written at a user's creation since: a world from before has
  none, and phone events over ``/sim/v1`` named nobody. Every user's number is given its owner.
* A name's recovery codes and texts, counted in one window each before, are counted in two lanes now (the
  user's known addresses, every other: ``recovery_codes``). A window from before is carried to the lane of
  every other address: a stranger who spent a name's tries before the upgrade gets none back by it, and the
  owner, whose addresses' lane starts empty, is not blocked by them (the old window could not say whose
  tries they were). The tries keep their times, so they leave the window when they would have.

Done, the form is recorded (``keys.STATE_FORM``, kept over a wipe): later starts skip it. A server of the
release before still writing on the same Redis after that writes the old forms again: stop every server
before starting the new release on it (docs/operations.md, upgrading).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from . import keys
from .base import text
from .upgrade_orphans import reclaim_orphans

if TYPE_CHECKING:
    from . import Store

log = logging.getLogger(__name__)

#: The form this release writes; :func:`upgrade_stored_state` brings an earlier one to it.
STATE_FORM = 3
#: The windows counted in lanes since form 2 (``PhoneService.limit``'s ``lane``, ``RecoveryCodes.tried``):
#: a window of theirs without a lane is from before.
LANED_SCOPES: tuple[keys.SendScope, ...] = (
    "recovery_code",
    "recovery_text:user",
    "recovery_text:number",
    "decoy:user",
    "decoy:number",
)
LANES = ("known", "new")
#: The lane a window from before is carried to: every other address's (see the module's docstring).
CARRIED_TO = "new"


def upgrade_stored_state(store: Store) -> bool:
    """Bring the state an earlier release wrote to this release's form, once; whether it ran (False: done
    before). Each step is one a world already at its form takes as it is: a form 2 world is given owners it
    has and has no window without a lane."""
    recorded = store.client.get(keys.STATE_FORM)
    if recorded is not None and int(text(recorded)) >= STATE_FORM:
        return False
    holders, users = _give_numbers_their_owners(store)
    windows = sum(_carry_windows(store, scope) for scope in LANED_SCOPES)
    reclaimed = reclaim_orphans(store, holders, users)
    store.client.set(keys.STATE_FORM, STATE_FORM)
    if not (holders or windows or reclaimed.any):
        return True
    log.info(
        "stored state from an earlier release carried over: %d users' numbers given their owner, "
        "%d recovery windows moved to the other addresses' budget, %d phones of numbers nobody has "
        "dropped, %d kept 30 days, %d IB Key apps with nobody on them dropped",
        sum(len(names) for names in holders.values()),
        windows,
        reclaimed.phones_dropped,
        reclaimed.phones_expiring,
        reclaimed.apps_dropped,
    )
    return True


def _give_numbers_their_owners(store: Store) -> tuple[dict[str, set[str]], set[str]]:
    """Each number to the users whose record has it, and every user there is (what
    :func:`.reclaim_orphans` judges the numbers' owners against)."""
    holders: dict[str, set[str]] = {}
    users: set[str] = set()
    for key in store.client.scan_iter(match=keys.user("*"), count=1000):
        name = _between(text(key), keys.user(""))
        record = store.users.get(name) if name else None
        if record is None:
            continue
        users.add(record.username)
        if record.phone:
            store.phones.add_owner(record.phone, record.username)
            holders.setdefault(record.phone, set()).add(record.username)
    return holders, users


def _carry_windows(store: Store, scope: keys.SendScope) -> int:
    """Each window of ``scope`` without a lane merged into its :data:`CARRIED_TO` lane's, with its expiry
    (the later of the two); one key at a time, so a Cluster (keys in other slots) takes it as well."""
    carried = 0
    for found in list(store.client.scan_iter(match=keys.send_window(scope, "*"), count=1000)):
        key = text(found)
        who = _between(key, keys.send_window(scope, ""))
        if not who or who.rsplit(":", 1)[-1] in LANES:
            continue
        # redis-py types a reply as "Awaitable or not"; a sync ZRANGE WITHSCORES gives (member, score) pairs
        tries = cast("list[tuple[bytes, float]]", store.client.zrange(key, 0, -1, withscores=True))
        target = keys.send_window(scope, f"{who}:{CARRIED_TO}")
        if tries:
            store.client.zadd(target, {text(member): score for member, score in tries})
            ttl = int(store.client.ttl(key))
            if ttl > 0 and ttl > int(store.client.ttl(target)):
                store.client.expire(target, ttl)
        store.client.delete(key)
        carried += 1
    return carried


def _between(key: str, empty: str) -> str:
    """What a key builder put between its parts: ``empty`` is the builder's key of the empty name."""
    head, _, tail = empty.partition("}")
    if not key.startswith(head) or not key.endswith("}" + tail):
        return ""
    return key[len(head) : len(key) - len(tail) - 1]

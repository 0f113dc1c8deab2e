"""An account's deletion after its record went (``AccessRepo.remove_account``): each member's link released,
then ``account.deleted``, then the mark; what a deletion cut short there leaves for another request to
finish (``IpRestrictions.delete_account``, ``IpRestrictions.finish_deletion``). Imports the store and the
event log only."""

from __future__ import annotations

from ..event_details import deletion_detail
from ..events import EventLog
from ..store import Store


def finish_account_deletion(
    store: Store, events: EventLog, aid: str, *, now: int, resumed: bool, import_taken_back: bool = False
) -> list[str] | None:
    """The deletion's steps after the record's: the members it had (None: no deletion to finish).
    ``resumed``: by a request other than the one that deleted the record. Each link is released only while
    this deletion is unfinished (its own mark, by its id: ``AccessRepo.deletion_is``): once another
    request has finished it, an account of the id may have been made again with a former member, whose
    link releasing would take them out of it, and a mark found then may be a later deletion's, whose links
    are its own to release. And only a link to the incarnation deleted (``AccountDeletionLeft.incarnation``),
    in the link's own step: the look at the mark is on the account's slot, the link on the user's."""
    left = store.access.deletion_left(aid, now=now)
    if left is None:
        return None
    for name in left.users:
        if not store.access.deletion_is(aid, left, now=now):
            return list(left.users)  # finished by another request meanwhile (a mark now: a later one's)
        # A request stalled here while another finished the deletion and the id was made again with this
        # user: their link names the new incarnation, which this leaves.
        store.access.unlink_account(name, aid, left.incarnation)
    held = store.access.own_mark(aid, left, now=now)  # read again, as a user's
    if held is None:
        return list(left.users)  # finished by another request meanwhile, its event written first
    places = left.events_of(aid)
    if not held.events_written:
        # The event before the mark's release, once (``EventLog.record_once``): a worker killed between
        # the two leaves the mark, and whoever finishes the deletion then writes it if it is missing;
        # then said in the mark, so none writes it again once its place has expired (as a user's).
        taken_back = import_taken_back or left.import_taken_back  # the mark's: whoever finishes it
        how = deletion_detail(left.at if resumed else None, import_taken_back=taken_back)
        detail = {"account_id": aid, "users": len(left.users), **how}
        events.record_once("account.deleted", places=places, place="deleted", at=now, detail=detail)
        store.access.events_written(aid, left)
    events.places_done(places)  # before the release, as a user's (``UserService._finish``)
    store.access.end_deletion(aid, left)
    return list(left.users)

"""``/admin/v1`` control of the emulated world: its clock, the audit trail, staged attacks, a reset; and the
sign-ins to the trainer console and the simulator pages, ended all at once."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ...accounts.errors import UserNotFound
from ...errors import InvalidRequest
from ...shapes.attacks import (
    AttackerAddresses,
    AttackerAddressesKnown,
    AttackerAddressesMarked,
    AttackReport,
    AttackRequest,
    RelayScreen,
)
from ...shapes.clock import CLOCK_MAX, CLOCK_MIN, MAX_CLOCK_S, Clock, ClockMove, ResetDone
from ...shapes.events import EventsPage, EventsQuery
from ...shapes.push_bombing import LastAttackState, PushBombingQuery, PushBombingState
from ...shapes.sessions import ConsoleSignInsEnded
from ...sim.attacks import Attacks, attacker_addresses
from ...sim.last_attack import read_last
from ...sim.push_bombing_state import read_state
from ...sim.relay_screen import read_screen
from ..common import core, now, wall_now
from ..operations import operation
from . import bp

__all__ = ["CLOCK_MAX", "CLOCK_MIN", "MAX_CLOCK_S"]  # the clock's bounds live with its shapes


@operation(bp, "get", "/clock", summary="Read the server's clock", ok=Clock, returns="The clock.")
def get_clock() -> ResponseReturnValue:
    return core().clock.reading().as_dict()


@operation(
    bp,
    "post",
    "/clock",
    summary="Move the server's clock",
    body=ClockMove,
    ok=Clock,
    returns="The clock after the move.",
)
def move_clock(body: ClockMove) -> ResponseReturnValue:
    """Every time-dependent decision reads this clock, so a scenario can cross an expiry or an idle timeout
    at once, and `freeze` stops it between moves, so a scripted run sees the same instants every time.
    `freeze` is applied first, so `{"freeze": true, "set_at": t}` stands at exactly `t`. 400
    `invalid_request` unless one move, `freeze` or both are given, or when the clock would leave
    2000-01-01 .. 2100-01-01 (`field` names the one at fault; nothing changes, a `freeze` sent with it
    neither). `reset` alone puts the clock back to real time, running, in one step from any state (no bound
    applies to it)."""
    if body.reset:
        return core().clock_service.reset().as_dict()
    moved = core().clock_service.move(freeze=body.freeze, set_at=body.set_at, advance_s=body.advance_s)
    return moved.as_dict()


@operation(
    bp,
    "get",
    "/events",
    summary="Read audit events",
    query=EventsQuery,
    ok=EventsPage,
    returns="Events after `since`, oldest first, and the cursor to read on from.",
)
def list_events(query: EventsQuery) -> ResponseReturnValue:
    """Flood windows that have closed are summarised (`events.summary`) before the read, so their counts are
    there to read."""
    return events_page(query)


def events_page(query: EventsQuery) -> dict[str, Any]:
    """The page of the audit trail ``query`` asks for: this route's answer, and the trainer console's
    filtered read (``pages.trainer_events``), so the two read the trail alike."""
    found, cursor = core().events.page(
        since=query.since, user=query.user, type_=query.type, limit=query.limit, now=core().clock.now()
    )
    return {"events": found, "cursor": cursor}


@operation(
    bp,
    "post",
    "/reset",
    summary="Wipe all emulator state",
    ok=ResetDone,
    returns="Users, devices, sessions, transactions and events are gone.",
)
def reset_emulator() -> ResponseReturnValue:
    return {"reset": True, "keys_deleted": core().reset_world()}


@operation(
    bp,
    "delete",
    "/console/sign-ins",
    summary="End every sign-in to the trainer console and the simulator pages",
    ok=ConsoleSignInsEnded,
    returns="How many live sign-ins ended, per door; every browser must sign in again.",
)
def end_console_sign_ins() -> ResponseReturnValue:
    """A console left signed in on a shared machine, or a cookie that may have been copied: every sign-in
    ends on the server at once, so no copy of any cookie opens `/trainer` or `/sim` again. The tokens stay
    as they are; `POST /admin/v1/reset` keeps the sign-ins (they are not the world)."""
    ended = core().console.end_all(now=wall_now())
    core().events.record("console.sign_ins_ended", at=now(), detail=dict(ended))
    return ended


@operation(
    bp,
    "post",
    "/attacks",
    summary="Stage an attack on a user",
    body=AttackRequest,
    ok=AttackReport,
    returns="What the attacker tried, what the service answered, and whether the attacker got in.",
    errors=(InvalidRequest, UserNotFound),
)
def stage_attack(body: AttackRequest) -> ResponseReturnValue:
    """The trainer console's *Stage an attack*: the attacker drives the real login service from addresses in
    the documentation ranges, so the lockout, the throttle, IB Key's limits and number matching fire for
    real, and every attempt is in the audit trail. It changes what any such attacker would change (failures
    counted, accounts locked, a SIM swapped, a session taken). 400 `invalid_request` when the attack needs
    the victim's `password` and none is given."""
    return Attacks(core()).run(body.attack, body.username, password=body.password, now=now())


@operation(
    bp,
    "get",
    "/attacks/relay-screen",
    summary="Read the attacker's screen of the last phishing relay",
    ok=RelayScreen,
    returns="The look-alike page, what reached the attacker (secrets only as captured), and the outcome.",
)
def relay_screen() -> ResponseReturnValue:
    """What the attacker of the last `phishing_relay` saw, as the trainer's page of it shows it
    (`/trainer/attacks/relay`): a push still waiting on the victim's phone is read as it stands now, so
    her pick (the right number or a wrong one) shows as the attacker in or number matching's stop."""
    return read_screen(core(), now=now())


@operation(
    bp,
    "get",
    "/attacks/push-bombing",
    summary="Read where the last push bombing stands",
    query=PushBombingQuery,
    ok=PushBombingState,
    returns="Its pushes, how many the victim answered and how, those still waiting, and the verdict.",
)
def push_bombing_state(query: PushBombingQuery) -> ResponseReturnValue:
    """The last `push_bombing` staged (on `username`, else on anyone), as the server counted the victim's
    answers to its pushes (a denial, a wrong number picked, an approval: the attacker in, or refused) and
    judges its pushes' expiry at its clock now. The trainer console draws it (a reload shows the same count
    and verdict), and `sls attack push-bombing` follows it to its verdict. `verdict` is `pending` while a
    push waits on her phone."""
    return read_state(core(), query.username, now=now())


@operation(
    bp,
    "get",
    "/attacks/last",
    summary="Read the last attack staged, whatever its kind",
    ok=LastAttackState,
    returns="Its kind, victim, when, its report, and a push bombing's count and verdict as they stand now.",
)
def last_attack() -> ResponseReturnValue:
    """The last attack staged (`POST /admin/v1/attacks`, or the console's), kept a day: the trainer console
    draws its report again after a reload, with the Attack and the Victim it was staged with. A
    `push_bombing` comes with `push_bombing`, its count of the victim's answers and verdict now."""
    return read_last(core(), now=now())


@operation(
    bp,
    "get",
    "/attackers",
    summary="Read the addresses the trainer's feed names the attacker's",
    ok=AttackerAddressesKnown,
    returns="The staged attacks' addresses and the marked ones.",
)
def read_attackers() -> ResponseReturnValue:
    """What comes from one of these is said as the attacker's doing ("from 198.51.100.66 (attacker)") by the
    console's feed and search; `sls events` reads them here to say it alike, rather than keep a list of its
    own."""
    return {"addresses": list(attacker_addresses(core()))}


@operation(
    bp,
    "put",
    "/attackers",
    summary="Mark addresses as an attacker's for the trainer's feed",
    body=AttackerAddresses,
    ok=AttackerAddressesMarked,
    returns="The addresses marked.",
    errors=(InvalidRequest,),
)
def mark_attackers(body: AttackerAddresses) -> ResponseReturnValue:
    """The trainer console's feed tags what comes from a staged attack's address "(attacker)", in red; a
    scenario demo's attacker actors come from the scenario's own addresses, and their login showed green.
    `sls scenario demo` marks them here (event `attack.addresses_marked`, which open consoles read); a world
    wipe or a state import unmarks them."""
    return {"addresses": Attacks(core()).mark(body.addresses, now=now())}

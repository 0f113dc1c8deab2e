"""The audit trail in a trainer's words: one sentence per event type, as a person says it to a room
("Wrong password for totp-tom", "The attacker signed in as iphone-ivy"), where the raw fields read like a log.
What each event means to the room (its tone) is :mod:`.event_tones`.

One table, here, for every surface that shows events to people: the trainer's live feed
(``http/pages/feed`` sends each event with its ``said``, ``tone`` and ``label``; the page draws them, and
falls back to the event's fields for a type this table does not know) and ``sls events --follow``
(``cli/control_commands``). The dotted type stays beside each sentence on both, the name the API and the
scenarios match on. A Python table rather than one in the page's script: the CLI says the same sentences,
and the tests hold it to the server's list of event types (``sls_scenarios.event_types``).

The sentence is chosen by the event's type and built from its fields (``user``, ``ip``, ``result``,
``detail``), never from a secret (the trail holds none). An address is said with the sentence, and a staged
attack's address (``sim.attacks.attacker_addresses``, given by the caller) is named the attacker's. The
fields said (who, whose, from where) are :mod:`.event_line`'s; the sentences longer than a line (a refusal,
a text, a SIM swap, the clock's offset) are :mod:`.event_phrases`'; a flood's summary, which says another
type's sentence, is here, beside the table.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from .event_line import NAMELESS_KEYS, Line
from .event_phrases import (
    REFUSALS,
    account,
    answered_request,
    approved,
    at_offset,
    back_to_demo,
    called,
    code_budget,
    how_deleted,
    killed,
    locked,
    phone_conditions,
    purpose,
    pushed,
    refused,
    session_ended,
    texted,
    wrong_number,
)


def _summary(line: Line) -> str:
    """A flood's count, as the sentence of what it counted: "Login as card-carl refused: the account is
    locked, 6 times 06:27-06:28 (5 of them not listed one by one)"; the window in the feed's clock times
    (UTC). "Counted only here" left a room asking where else they were counted.
    The events written one by one are not "the line above": the feed reads newest first, the search and
    ``sls events`` oldest first, and other events fall between, so the words point nowhere."""
    named = {key: line.d[key] for key in NAMELESS_KEYS if key in line.d}  # the one name no user has
    counted = {**line.event, "type": line.d.get("type"), "ip": None, "detail": named}
    say = WORDS.get(str(counted["type"]))
    one = Line(counted, ())
    if not one.named:  # a flood per address names its user when it named one alone, else counts them
        one.who = _whom(line.d) or one.who
    said = say(one) if say else str(counted["type"])
    start, end = line.d.get("window_start"), line.d.get("window_end")
    when = f" {_hm(start)}\u2013{_hm(end)}" if isinstance(start, int) and isinstance(end, int) else ""
    folded = line.d.get("suppressed")
    more = f" ({folded} of them not listed one by one)" if folded else ""
    return f"{said}, {line.d.get('count', 'several')} times{when}{more}"


def _whom(d: Mapping[str, Any]) -> str | None:
    """Whom a flood by address tried, counted (``lua/events_append.lua`` keeps the first ten names):
    "3 users", "2 users and 1 name no user has", "at least 8 users and 2 names no user has"."""
    users, unknown = d.get("users") or 0, d.get("unknown_names") or 0
    if not users and not unknown:
        return None
    said = " and ".join(
        f"{n} {noun if n == 1 else nouns}"
        for n, noun, nouns in (
            (users, "user", "users"),
            (unknown, "name no user has", "names no user has"),
        )
        if n
    )
    return f"at least {said}" if d.get("more_names") else said


def _hm(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M")


Say = Callable[[Line], str]

WORDS: dict[str, Say] = {
    "login.password_ok": lambda e: f"Right password for {e.who}",
    "login.password_failed": lambda e: f"Wrong password for {e.who}",
    "login.refused": refused,
    "login.challenge_issued": lambda e: f"Second step for {e.who}: {e.factor}",
    "login.second_factor_failed": lambda e: (
        wrong_number(e)
        if e.d.get("wrong_number")
        else f"Wrong {e.factor} code for {e.who}"
        + (f", {e.d['attempts_left']} tries left" if isinstance(e.d.get("attempts_left"), int) else "")
    ),
    "login.succeeded": lambda e: (
        (f"The attacker signed in as {e.who}" if e.attacker else f"{e.who} signed in")
        + (" from a new place" if e.d.get("new_place") else "")
    ),
    "login.code_replayed": lambda e: f"A used code for {e.who} was tried again and refused",
    "login.answer_refused": lambda e: f"An answer for {e.who}'s finished login step refused",
    "ibkey.password_failed": lambda e: f"Wrong password for {e.who} in the IB Key app",
    "stepup.challenge_issued": lambda e: f"Second step for {e.who} to confirm {purpose(e)}: {e.factor}",
    "stepup.password_failed": lambda e: f"Wrong password for {e.who} while confirming a task",
    "stepup.verified": lambda e: f"{e.who} confirmed {purpose(e)}",
    "password_change.password_failed": lambda e: f"Wrong current password for {e.who} on a password change",
    "password_recovery.started": lambda e: (
        f"Password reset asked for {e.who}, no code sent: too many texts to {e.d.get('to', 'the phone')}"
        if e.d.get("text") == "refused"
        else f"Password reset asked for {e.who}, code sent to {e.d.get('to', 'the phone')}"
    ),
    "password_recovery.code_failed": lambda e: f"Wrong reset code for {e.who}{code_budget(e)}",
    "password_recovery.refused": lambda e: (
        f"Reset codes for {e.who} refused: too many wrong{code_budget(e)}"
        if e.result == "rate_limited"
        else f"Password reset for {e.who} refused: Client Services must do it"
    ),
    "password_recovery.verified": lambda e: f"Password reset for {e.who} went through",
    "withdrawal.requested": lambda e: (
        f"{e.who} asked to withdraw {e.d.get('amount', '')} {e.d.get('currency', '')}".rstrip()
    ),
    "session.rotated": session_ended("renewed after a check"),
    "session.replaced": session_ended("ended by a newer login"),
    "session.logout": lambda e: f"{e.who} logged out",
    "session.killed": killed,
    "session.ended_by_user": lambda e: f"{e.who} ended one of their sessions",
    "session.expired_idle": session_ended("timed out, idle"),
    "session.expired_absolute": session_ended("reached its time limit"),
    "session.replaced_by_gateway_login": session_ended("ended by a gateway login"),
    "session.sso_expired": session_ended("SSO expired"),
    "session.daily_reset": session_ended("ended by the daily reset"),
    "session.gateway_restarted": session_ended("ended by a gateway restart"),
    "user.created": lambda e: f"User {e.who} created",
    "user.deleted": lambda e: f"User {e.who} deleted{how_deleted(e)}",
    "user.disabled": lambda e: f"{e.who} disabled",
    "user.enabled": lambda e: f"{e.who} enabled again",
    "user.password_rehashed": lambda e: f"{e.who}'s stored password upgraded",
    "user.password_changed": lambda e: f"{e.who}'s password changed",
    "user.phone_change_requested": lambda e: (
        f"{e.who} asked to change their phone to {e.d.get('to', 'a new one')}"
    ),
    "user.phone_change_failed": lambda e: f"Wrong code for {e.who}'s phone change",
    "user.phone_changed": lambda e: f"{e.who}'s phone number changed",
    "account.created": lambda e: f"{account(e)} created",
    "account.user_added": lambda e: f"{e.who} added to {account(e)}",
    "account.user_removed": lambda e: f"{e.who} taken out of {account(e)}",
    "account.deleted": lambda e: f"{account(e)} deleted{how_deleted(e)}",
    "account.locked": locked,
    "account.unlocked": lambda e: f"{e.who} unlocked",
    "ip.allowlist_changed": lambda e: f"IP restrictions changed for {e.who if e.named else account(e)}",
    "ip.rejected": lambda e: (
        {
            "session_ended": f"{e.Whose} session ended",
            "verify_refused": f"{e.Whose} code refused",
            "switch_refused": f"{e.Whose} new code refused",
        }.get(e.result, f"Login as {e.who} refused")
        + ": the address is outside the IP restrictions"
    ),
    "ip.throttle_lifted": lambda e: (
        f"Login limit of {e.frm.removeprefix('from ') or 'an address'} lifted: "
        f"{e.d.get('attempts', 'its')} attempts forgotten"
        + (f", {e.d['token_guesses']} wrong tokens" if e.d.get("token_guesses") else "")
        + (f", {e.d['metrics_guesses']} wrong metrics tokens" if e.d.get("metrics_guesses") else "")
    ),
    "device.enrolled": lambda e: f"{e.factor} added for {e.who}",
    "device.activated": lambda e: (
        f"The attacker activated IB Key for {e.who} on their own phone"
        if e.attacker
        else f"{e.factor} activated for {e.who}"
    ),
    "device.shared": lambda e: f"{e.who} now shares {e.d.get('owner', 'another user')}'s {e.factor}",
    "device.replaced": lambda e: f"{e.Whose} {e.factor} replaced by a newer one",
    "device.revoked": lambda e: f"{e.Whose} {e.factor} removed",
    "device.locked": lambda e: (
        f"{e.Whose} {e.factor} disabled after {e.d.get('failures', 'too many')} wrong codes"
    ),
    "device.unlocked": lambda e: (
        f"{e.Whose} {e.factor}: wrong-response strikes forgotten for {', '.join(map(str, struck))}"
        if (struck := e.d.get("strikes_cleared"))
        else f"{e.Whose} {e.factor} enabled again"
    ),
    "card.pin_locked": lambda e: f"{e.Whose} card locked after too many wrong PINs",
    "card.reset": lambda e: f"{e.Whose} card reset",
    "challenge.rate_limited": lambda e: f"Too many codes asked for {e.whose} {e.factor}: no more for now",
    "ibkey.migration_started": lambda e: f"IB Key for {e.who} is moving to a new phone",
    "ibkey.activation_failed": lambda e: f"Wrong IB Key activation code for {e.who}",
    "ibkey.activation_code_burnt": lambda e: (
        f"{e.Whose} IB Key activation code made useless"
        + (f" ({e.words('reason')})" if e.d.get("reason") else "")
    ),
    "ibkey.settings_changed": lambda e: f"{e.Whose} IB Key app settings changed",
    "push.sent": pushed,
    "push.approved": approved,
    "push.denied": lambda e: f"{e.who} denied {answered_request(e)} on their phone",
    "push.rate_limited": lambda e: f"Too many pushes to {e.whose} phone: no more for now",
    "sms.sent": texted,
    "sms.rate_limited": lambda e: f"Too many texts to {e.d.get('to', 'a phone')}: no more for now",
    "voice.called": called,
    "phone.conditions_changed": phone_conditions,
    "phone.restarted": lambda e: (
        (f"{e.who}'s phone" if e.named else f"Phone {e.d.get('number', '')}")
        + " restarted: it takes texts again"
    ),
    "gateway.session_established": lambda e: f"Gateway session opened for {e.who}",
    "gateway.session_ended": lambda e: f"Gateway session of {e.who} ended ({e.result.replace('_', ' ')})",
    "gateway.reauthenticated": lambda e: f"Gateway session of {e.who} authenticated again",
    "gateway.brokerage_dropped": lambda e: f"Gateway of {e.who}: brokerage session dropped",
    "gateway.brokerage_disconnected": lambda e: f"Gateway of {e.who}: brokerage disconnected",
    "gateway.competing_session": lambda e: f"Gateway of {e.who}: another session competes",
    "gateway.daily_reset_set": lambda e: "Gateway daily reset time set",
    "clock.moved": lambda e: "Server clock moved" + at_offset(e),
    "clock.frozen": lambda e: "Server clock frozen" + at_offset(e),
    "clock.thawed": lambda e: "Server clock running again" + at_offset(e),
    "emulator.reset": lambda e: "Emulator wiped: every user, device, session and event before this is gone",
    "attack.addresses_marked": lambda e: (
        "Marked as the attacker's: " + ", ".join(map(str, e.d.get("addresses") or []))
    ),
    "attack.wait_refused": lambda e: (
        f"{e.who} approved a push the attacker's login waited on, but the attacker was refused: "
        + REFUSALS.get(e.result, e.result.replace("_", " "))
    ),
    "state.exported": lambda e: (
        "Demo world kept, to go back to between two runs" if e.d.get("demo_world") else "State exported"
    ),
    "state.imported": lambda e: back_to_demo(e) if e.d.get("demo_world") else "State imported",
    "secrets.resealed": lambda e: "Stored secrets sealed with a new key",
    "trainer.signed_in": lambda e: "Trainer signed in to the console",
    "trainer.sign_in_failed": lambda e: "Wrong trainer token",
    "trainer.signed_out": lambda e: "Trainer signed out",
    "console.sign_ins_ended": lambda e: "Every console sign-in ended",
    "sim.signed_in": lambda e: "Simulator pages signed in",
    "sim.signed_out": lambda e: "Simulator pages signed out",
    "sim.sign_in_failed": lambda e: "Wrong simulator token",
    "metrics.token_refused": lambda e: "Wrong metrics token",
    "admin_api.token_refused": lambda e: (
        "Wrong admin token at the admin API" + (f" ({e.d['route']})" if e.d.get("route") else "")
    ),  # a flood's summary keeps no route
    "sim_api.token_refused": lambda e: (
        "Wrong simulator token at the simulator API" + (f" ({e.d['route']})" if e.d.get("route") else "")
    ),
    "events.summary": _summary,
}


def sentence(event: Mapping[str, Any], attackers: Collection[str] = ()) -> str | None:
    """The event as a person says it, with its address (``from 198.51.100.66 (attacker)``); None for a type
    the table does not know, which the surface then shows by its fields."""
    say = WORDS.get(str(event.get("type")))
    if say is None:
        return None
    line = Line(event, attackers)
    said = say(line)
    said = said[0].upper() + said[1:] if said[:1].islower() and not line.named else said
    if line.ip and line.ip not in said:
        said += f", {line.frm}"
    return said

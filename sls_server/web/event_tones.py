"""What each audit event means to a room watching the trainer's feed (its tone), so a projector tells "the
defence fired" from "the attacker got in" at a glance: a defence that fired, the attacker's success (a
breach), a failed guess or the attacker on the way (an attempt), a sign-in from a new place (a warning),
good news, or neutral. Each tone has a word (:data:`TONE_LABELS`) the page shows beside its colour, for
colour is never the only signal. The sentences are in :mod:`.event_words`; :func:`worded` puts both on an
event, for the feed (``http/pages/feed``) and the console's search of the trail
(``http/pages/trainer_events``) alike; ``sls events`` colours its sentences by the same tones
(``cli/control_commands``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from .event_words import sentence

#: The tones, and the word each shows beside its colour (colour is never the only signal).
TONE_LABELS = {
    "defence": "defence",
    "breach": "breach",
    "attempt": "attempt",
    "warn": "warning",
    "good": "ok",
}

#: A defence that fired: the attempt was stopped, whoever made it.
DEFENCES = frozenset(
    {
        "account.locked",
        "login.refused",
        "login.code_replayed",
        "login.answer_refused",
        "ip.rejected",
        "challenge.rate_limited",
        "push.rate_limited",
        "push.denied",
        "sms.rate_limited",
        "device.locked",
        "card.pin_locked",
        "password_recovery.refused",
        "ibkey.activation_code_burnt",
        "attack.wait_refused",
    }
)
#: What the attacker wants: from a staged attack's address, each is the attacker's success.
SUCCESSES = frozenset(
    {
        "login.password_ok",
        "login.succeeded",
        "stepup.verified",
        "push.approved",
        "session.rotated",
        "device.activated",
        "ibkey.migration_started",
        "password_recovery.verified",
        "user.password_changed",
        "user.phone_changed",
        "withdrawal.requested",
        "gateway.session_established",
    }
)
#: A wrong password, code or answer: an attempt that failed, not yet a defence (but a wrong number picked in
#: IB Key, ``detail.wrong_number``, is number matching ending the login: a defence).
FAILURES = frozenset(
    {
        "login.password_failed",
        "login.second_factor_failed",
        "ibkey.password_failed",
        "stepup.password_failed",
        "password_change.password_failed",
        "password_recovery.code_failed",
        "ibkey.activation_failed",
        "user.phone_change_failed",
        "trainer.sign_in_failed",
        "sim.sign_in_failed",
        "metrics.token_refused",
        "admin_api.token_refused",
        "sim_api.token_refused",
    }
)
#: Whose ``ip`` is the address acted on, not the one acting: the attacker's address lifted by the trainer
#: (the console's *Lift the limit* after a spray) is good news, not the attacker's attempt.
SUBJECT_ADDRESS = frozenset({"ip.throttle_lifted"})
GOOD = frozenset(
    {
        "login.succeeded",
        "stepup.verified",
        "push.approved",
        "account.unlocked",
        "device.unlocked",
        "ip.throttle_lifted",
        "device.activated",
        "user.enabled",
        "password_recovery.verified",
    }
)


def tone(event: Mapping[str, Any], attackers: Collection[str] = ()) -> str:
    """What the event means to the room: ``defence`` (an attempt stopped), ``breach`` (the attacker's
    success: from a staged attack's address, or a code or SIM that went to the attacker's handset),
    ``attempt`` (a wrong guess, or the attacker on the way), ``warn`` (a sign-in from a new place, a code
    that never reached the user), ``good``, or ``""`` (neutral)."""
    type_ = str(event.get("type"))
    d = event.get("detail") or {}
    # the address is the actor's, but for a limit lifted, where it is the subject (the trainer lifts it)
    attacker = bool(event.get("ip")) and event.get("ip") in attackers and type_ not in SUBJECT_ADDRESS
    arrived = event.get("result") != "dropped"
    swapped = d.get("sim_swapped") is True or ("sim_swapped" in (d.get("notes") or []) and arrived)
    wrong_number = type_ == "login.second_factor_failed" and d.get("wrong_number") is True
    if type_ in DEFENCES or wrong_number or (type_ == "events.summary" and d.get("type") in DEFENCES):
        return "defence"
    if (attacker and type_ in SUCCESSES) or swapped:
        return "breach"
    if type_ in FAILURES or attacker:
        return "attempt"
    if d.get("new_place") is True or not arrived:
        return "warn"
    return "good" if type_ in GOOD else ""


def worded(event: Mapping[str, Any], attackers: Collection[str] = ()) -> dict[str, Any]:
    """The event with what a person reads of it: ``said`` (its sentence, None for a type the table does not
    know), ``tone`` and ``label`` (the tone's word, None for a neutral one). A staged attack's address
    (``attackers``) is named the attacker's in both."""
    kind = tone(event, attackers)
    return {**event, "said": sentence(event, attackers), "tone": kind, "label": TONE_LABELS.get(kind)}


def attackers_after(
    event: Mapping[str, Any], attackers: frozenset[str], read_again: Callable[[], Iterable[str]]
) -> frozenset[str]:
    """The addresses named the attacker's from ``event`` on, for a reader of the trail as it happens (the
    feed, ``sls events --follow``): an ``attack.addresses_marked`` adds the addresses it marks (a scenario
    demo's attacker actors); a wipe (``emulator.reset``) or a world loaded over the old one
    (``state.imported`` with ``replaced``: "Back to the demo world" too) unmarks them on the server, so the
    list is read again (``read_again``: the staged attacks' own addresses, and any marked since). Kept,
    an address a demo marked was still named the attacker's after the world it belonged to was gone. The
    same set back for an event that leaves the list as it was (the feed sends the list with any other)."""
    kind, detail = event.get("type"), event.get("detail") or {}
    if kind == "emulator.reset" or (kind == "state.imported" and detail.get("replaced")):
        return frozenset(read_again())
    if kind == "attack.addresses_marked":
        return attackers | frozenset(str(a) for a in detail.get("addresses") or ())
    return attackers

"""The phishing relay's victim: what she types into a copy of the login page that forwards it to the real one.

The attacker's page shows what the real page asked of her (the card's challenge, "a code was sent to your
phone") and forwards what she types, at once. She does what she would do on the real page, with what she
holds: keys her PIN and the challenge into her card, reads the text on her phone (the handset her number
reaches: after a SIM swap, not hers), reads her authenticator app. Her card's answer comes from the card's
own algorithm with her PIN's digest (``sls_devices.dscplus.expected_response``), which is what the card
computes once she has keyed the right PIN; the emulator never knows the PIN itself.

What she cannot type is an IB Key push: it asks her to pick, on her phone, the number shown on the page that
started the login, which is the attacker's. This page does not show it (a copy of the page, not a live proxy
of it), so any pick is a guess, and a wrong one ends the login. The push is left on her phone for the trainer
to answer, and the attacker's page waits on it (``sim.attacker_waits``, as push bombing's does): the number
is on the attacker's screen (:mod:`.relay_screen`), and her pick of it lets the attacker in. Everything
else she would type, and it is relayed like any code: IB Key's challenge/response (what her unlocked app
shows, computed from the key it shares with the server, as the card's is) and a temporary passcode (as
issued to her). After a SIM swap left in place her phone gets no code, but the attacker's
handset does: the relay reads it there.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import SlsError
from .attack_report import Report, attempt, factor_title, hhmm, refusal
from .ibkey_takeover import confirm_on_app, held_by
from .relay_screen import Screen

if TYPE_CHECKING:
    from ..wiring import Core

RELAY_IP = "198.51.100.200"
ATTACKER_HANDSET = "attacker"
#: The factors whose code travels over the phone network, so follows the SIM: texts and calls alike.
PHONE_FACTORS = ("sms", "voice")


@dataclass(frozen=True)
class Typed:
    """What the victim typed into the fake page (None: nothing), and what the report says she did."""

    answer: str | None
    says: str


def victim_types(
    core: Core, username: str, factor: dict[str, Any], *, now: int, seen: Collection[str] = ()
) -> Typed:
    """What ``username`` types into the phishing page that shows her the login step ``factor``; ``seen``:
    the ids of :func:`codes_on_her_phone` from before the login, which she knows are not its code."""
    kind = factor["type"]
    if kind == "dscplus":
        response = core.cards.holder_response(factor["device_id"], factor["challenge"])
        if response is None:
            return Typed(None, "The victim's card is locked after wrong PINs: it shows no response to type.")
        keyed = "The victim keyed their PIN and the challenge into their card and typed its response."
        return Typed(response, keyed)
    if kind in ("sms", "voice"):
        return _code_on_her_phone(core, username, kind, seen, now=now)
    if kind == "totp":
        shown = core.authenticator.code(factor["device_id"], now=now)
        return Typed(str(shown["code"]), "The victim typed the code their authenticator app showed.")
    if kind == "ibkey" and factor.get("mode") == "push":
        return Typed(
            None,
            "IB Key sent a notification to the victim's phone: approving it means picking the number shown "
            "on the page that started the login, which is the attacker's, and the copied page does not show "
            "it. Any pick is a guess, and a wrong one ends the login (number matching). It waits on their "
            "phone: answer it there. A live proxy that copied the number onto its page as well would get "
            "through; an IP allowlist stops both.",
        )
    # Imported here, not at the top: the CLI imports this module (``sim.attacks.KINDS``), and the factors pull
    # in the metrics, which the CLI must not load (tests/unit/test_metrics_mode.py).
    from ..factors.ibkey.factor import IbKeyFactor
    from ..factors.temporary import TemporaryPasscodeFactor

    if kind == "ibkey":
        found = core.factors.get("ibkey")
        device = core.store.devices.get(factor["device_id"])
        response = None
        if isinstance(found, IbKeyFactor) and device is not None:
            app = found.repo.get_app(device.app_id) if device.app_id else None
            if app is not None and app.locked:
                return Typed(
                    None,
                    "The victim's IB Key app is locked after too many wrong PINs: it shows no response to "
                    "type until IB Key is enrolled and activated again.",
                )
            response = found.holder_response(device, str(factor["challenge"]))
        if response is None:
            return Typed(None, "The victim's IB Key shows no response: it was never activated.")
        said = "The victim unlocked IB Key on their phone, entered the challenge and typed the response."
        return Typed(response, said)
    if kind == "temporary":
        held = core.factors.get("temporary")
        device = core.store.devices.get(factor["device_id"])
        passcode = (
            held.held(device, now=now) if isinstance(held, TemporaryPasscodeFactor) and device else None
        )
        if passcode is None:
            return Typed(None, "The victim's temporary passcode has lapsed: there is nothing to type.")
        return Typed(passcode, "The victim typed the temporary passcode Client Services gave them.")
    return Typed(None, f"The login asked for something the victim cannot type ({kind}).")


def codes_on_her_phone(core: Core, username: str, *, now: int, channel: str | None = None) -> dict[str, str]:
    """The login codes on the victim's own handset, as :func:`login_codes`. Taken before the login too, so
    that she types only what this login sent, never an older code."""
    number = core.users.get(username).phone
    return login_codes(core, number, number, now=now, channel=channel) if number else {}


def login_codes(
    core: Core, handset: str, number: str, *, now: int, channel: str | None = None
) -> dict[str, str]:
    """Login codes sent to ``number`` that are on ``handset`` (the number's own, or the one a swapped SIM
    sits in), texts (``sms``), calls (``voice``) or both, by message or call id, newest first."""
    phones = core.phones
    items = []
    if channel in (None, "sms"):
        items += phones.messages(handset, now=now)
    if channel in (None, "voice"):
        items += phones.calls(handset, now=now)
    return {
        str(item["id"]): str(item["code"])
        for item in items
        if item.get("to") == number and item.get("purpose") == "login" and item.get("code")
    }


def _code_on_her_phone(core: Core, username: str, channel: str, seen: Collection[str], *, now: int) -> Typed:
    arrived = codes_on_her_phone(core, username, now=now, channel=channel)
    code = next((code for id_, code in arrived.items() if id_ not in seen), None)
    if code is None:
        where = "text" if channel == "sms" else "call"
        lost = f"No {where} with a code reached the victim's phone (a SIM swap, or a carrier dropped it)."
        return Typed(None, lost)
    said = "the code texted to their phone" if channel == "sms" else "the code the voice callback read out"
    return Typed(code, f"The victim typed {said}.")


def phishing_relay(core: Core, report: Report, password: str, *, now: int) -> Screen:
    """A copy of the login page relays what the victim types to the real one, from the attacker's address:
    the password, then her answer to whatever the second step asks (:func:`victim_types`). What reached the
    attacker is written down as it goes (the :class:`.relay_screen.Screen` returned, for the room)."""
    number = core.users.get(report.target).phone
    screen = Screen(report.target, report.ip, now)
    screen.lured()
    seen = codes_on_her_phone(core, report.target, now=now)
    seen_swapped = login_codes(core, ATTACKER_HANDSET, number, now=now) if number else {}
    started = attempt(core, report, report.target, password, report.ip, now=now)
    if started is None:
        report.lines.append(f"The relayed password started no login from {report.ip}.")
        report.say_refusals()
        report.say_send_limit_from_before("relay")
        code = next(iter(report.outcomes), "")
        screen.stopped_by(code, next(iter(report.refusals), "the service refused it"))
        return screen
    factor = started["factor"]
    title = factor_title(core, factor)
    report.lines.append(
        f"The phishing page relayed {report.target}'s password from {report.ip}, and showed the victim "
        f"what the real page asked for: {title}."
    )
    screen.say("real", f"The real login accepted the password and asked for: {title}.")
    if factor["type"] == "ibkey" and factor["device_id"] == held_by(core, report.target, ATTACKER_HANDSET):
        _confirm_on_attackers_ib_key(core, report, started, now=now)
        screen.say("attacker", report.lines[-1])
        screen.end(*(("got_in", "The attacker got in.") if report.succeeded else ("over", report.lines[-1])))
        return screen
    if factor["type"] == "ibkey" and factor.get("reason") in NO_PUSH:
        report.lines.append(_no_push(core, str(factor["reason"])))
        screen.say("real", report.lines[-1])
    if factor.get("challenge") and factor.get("mode") != "push":
        screen.say(
            "attacker", f"The copied page showed the victim the real page's challenge: {factor['challenge']}."
        )
    typed = victim_types(core, report.target, factor, now=now, seen=seen)
    report.lines.append(typed.says)
    if factor["type"] == "ibkey" and factor.get("mode") == "push":
        # the attacker's page waits on it, as a push bombing's does: the right pick lets the attacker in
        core.attacker_waits.wait(report.target, started, ip=report.ip, now=now)
        until, number = int(started["expires_at"]), factor.get("match")
        screen.waits_on_push(str(started["txn_id"]), number, until)
        report.waiting = {"ip": report.ip, "until": until}
        if number:
            report.waiting["number"] = str(number)
        shown = f"the number {number}" if number else "its number"
        report.lines.append(
            f"The attacker's page keeps waiting on it until {hhmm(until)} UTC, {shown} on their screen: "
            f"if {report.target} picks {number or 'that number'}, the attacker is in."
        )
        return screen
    screen.say("victim", typed.says)
    answer = typed.answer
    if answer is None and number and factor["type"] in PHONE_FACTORS:
        answer = _code_on_swapped_sim(core, report, number, factor["type"], seen_swapped, now=now)
        if answer is not None:
            screen.say("attacker", report.lines[-1])
    if answer is None:
        screen.end("over", "Nothing was typed to relay: the attacker did not get in.")
        return screen
    screen.captured(str(factor["type"]), on_attackers_handset=typed.answer is None)
    try:
        core.logins.verify(started["txn_id"], started["login_token"], answer, now=now, ip=report.ip)
    except SlsError as exc:
        report.refused(exc)
        report.say_refusals()
        screen.stopped_by(exc.code, refusal(exc))
        return screen
    report.succeeded = True
    report.outcomes["logged_in"] += 1
    screen.say("real", "The real login accepted it and opened a session for the attacker.")
    screen.end(
        "got_in",
        "The attacker got in: a code or a card's response is not bound to the page it was typed into.",
    )
    if typed.answer is None:
        report.lines.append("The attacker typed it into the real page and logged in.")
        return screen
    report.lines.append(
        "The page relayed it within the login's lifetime and the attacker logged in: a code or a card's "
        "response is not bound to the page it was typed into. What stops a relay: an IP allowlist (the "
        "relay's address is outside it), or IB Key's number matching against a copied page."
    )
    return screen


#: Why IB Key asked a staged attack's login (a relay's, a reset's) for challenge/response rather than a push.
NO_PUSH = {
    "push_limited": "the push limit ({limit} notifications per {window}) was already reached by earlier "
    "logins (a push bombing staged just before?)",
    "roaming": "the victim's phone is roaming, and IB Key sends a roaming phone no notification",
    "notifications_off": "notifications are turned off in the victim's IBKR Mobile",
}


def no_push_why(core: Core, reason: str) -> str:
    """:data:`NO_PUSH`'s words for ``reason`` (the IB Key step's ``reason``), the push limit's numbers in."""
    window = core.settings.push_window
    return NO_PUSH[reason].format(
        limit=core.settings.push_limit, window=f"{window // 60} min" if window % 60 == 0 else f"{window} s"
    )


def _no_push(core: Core, reason: str) -> str:
    """Why this login's IB Key step is a challenge the victim types, not the push whose number matching
    stops a relay: without it the report read as if number matching had failed (a relay staged right after
    push bombing met the push limit, and the attacker got in)."""
    said = no_push_why(core, reason)
    if reason == "push_limited":
        said += "; once the window has passed (move the clock on), the relay meets a push again"
    return (
        f"IB Key asked for challenge/response, not a push: {said}. So number matching, which a copied page "
        "cannot get past, was not in play, and a typed response is relayed like any code."
    )


def _code_on_swapped_sim(
    core: Core, report: Report, number: str, channel: str, seen: Collection[str], *, now: int
) -> str | None:
    """The login's code where a SIM swap left in place sent it: the attacker's handset (None: not there)."""
    if core.phones.conditions(number).sim_swapped_to != ATTACKER_HANDSET:
        return None
    arrived = login_codes(core, ATTACKER_HANDSET, number, now=now, channel=channel)
    code = next((code for id_, code in arrived.items() if id_ not in seen), None)
    if code is not None:
        report.lines.append(
            f"The SIM of {number} is still swapped to the attacker's handset (a SIM swap never given back), "
            f"so the code went there: the attacker does not even need the victim to type it."
        )
    return code


def _confirm_on_attackers_ib_key(core: Core, report: Report, started: dict[str, Any], *, now: int) -> None:
    """The login's IB Key is the one an earlier SIM swap moved to the attacker's handset: its push (or
    challenge) reaches the attacker's app, not her phone, so the attacker confirms it there and the victim
    is not asked for anything. Said as such: number matching cannot help when the app is the attacker's."""
    push = started["factor"].get("mode") == "push"
    where = (
        "its notification went to the attacker's app, not the victim's phone: the attacker saw the number "
        "on the page they had started themselves and picked it on their own app"
        if push
        else "the attacker's app, not the victim's, computed the response to its challenge"
    )
    report.lines.append(
        f"{report.target}'s only active IB Key is the one the attacker activated on their own handset in an "
        f"earlier SIM swap (never taken back), so {where}."
    )
    if not confirm_on_app(core, report, started["factor"]["device_id"], started, ip=report.ip, now=now):
        report.lines.append("The attacker's own IB Key did not get them in this time.")
        return
    report.succeeded = True
    report.outcomes["logged_in"] += 1
    report.lines.append(
        "The attacker logged in without the victim typing anything. Until IB Key is activated again on the "
        "victim's own phone (and the SIM given back), every login's IB Key step goes to the attacker."
    )

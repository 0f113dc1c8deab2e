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
attack's address (``sim.attacks.attacker_addresses``, given by the caller) is named the attacker's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

from .wording import duration, factor_name


class Line:
    """The fields a sentence is made of, said: who, from where, with what."""

    def __init__(self, event: Mapping[str, Any], attackers: Collection[str]) -> None:
        self.event = event
        self.d: Mapping[str, Any] = event.get("detail") or {}
        self.ip: str = str(event.get("ip") or "")
        self.attacker = bool(self.ip) and self.ip in attackers
        self.result: str = str(event.get("result") or "")
        self.factor = factor_name(str(event.get("factor") or "")) if event.get("factor") else "the device"
        user = event.get("user")
        self.who: str = str(user) if user else _nameless(self.d) or "someone"
        self.named = bool(user)

    @property
    def whose(self) -> str:
        return f"{self.who}'s" if self.named else "the"

    @property
    def Whose(self) -> str:
        """``whose`` to start a sentence: a user's name keeps its case."""
        return f"{self.who}'s" if self.named else "The"

    @property
    def frm(self) -> str:
        """``from 198.51.100.66 (attacker)``; empty without an address."""
        return f"from {self.ip}" + (" (attacker)" if self.attacker else "") if self.ip else ""

    def words(self, key: str) -> str:
        return str(self.d.get(key, "")).replace("_", " ")


def _nameless(d: Mapping[str, Any]) -> str | None:
    """A name no user has is never in the trail: its reference stands where the name would (as the page's
    ``SLS.nameless`` says it), so the room still sees one name tried again and again."""
    for key, said in (("unknown_username", "a name no user has"), ("invalid_username", "not a username")):
        if d.get(key) is True:
            return said + (f" #{d['name_ref']}" if d.get("name_ref") else "")
    return None


def _purpose(line: Line) -> str:
    purpose = str(line.d.get("purpose") or "login")
    return {"login": "login", "notice": "notice"}.get(purpose, purpose.replace("_", " "))


def _locked(line: Line) -> str:
    failures = line.d.get("failures")
    after = f" after {failures} wrong passwords" if failures else " after too many wrong passwords"
    if line.d.get("permanent"):
        return f"{line.who} locked until an administrator unlocks it{after}"
    wait = line.d.get("wait_s")
    return f"{line.who} locked for {duration(wait)}{after}" if wait else f"{line.who} locked{after}"


REFUSALS = {
    "account_locked": "the account is locked",
    "rate_limited": "too many tries from that address",
    "ip_restricted": "the address is outside the account's IP restrictions",
    "account_disabled": "the account is disabled",
    "no_second_factor": "no security device is active",
}


def _refused(line: Line) -> str:
    why = REFUSALS.get(line.result, line.result.replace("_", " "))
    return f"Login as {line.who} refused: {why}" if why else f"Login as {line.who} refused"


#: What a text or call carries, by its ``purpose``: a login's or step-up's code unless named here.
CARRIES = {
    "notice": "Security notice",
    "ibkey_activation": "IB Key activation code",
    "ibkey_migration": "IB Key activation code",
    "password_recovery": "Password reset code",
}


def _text(line: Line) -> str:
    what = CARRIES.get(str(line.d.get("purpose")), "Code")
    to = f"{line.who}'s phone" if line.named else str(line.d.get("to") or "a phone")
    notes = line.d.get("notes") or []
    if "sim_swapped" in notes and line.result != "dropped":
        return f"{what} texted to {to}: it arrived on the attacker's handset"
    if line.result == "dropped":
        why = next((LOST[n] for n in notes if n in LOST), "")
        return f"{what} texted to {to}: it never arrived" + (f" ({why})" if why else "")
    return f"{what} texted to {to}" + (", late" if "delayed" in notes else "")


#: Why a text never arrived (``sls_devices.phone.route_sms``'s notes).
LOST = {
    "carrier_blocked": "the carrier blocks texts",
    "needs_restart": "the phone needs a restart",
    "roaming_lost": "roaming lost it",
}


def _call(line: Line) -> str:
    what = CARRIES.get(str(line.d.get("purpose")), "code").lower().replace("ib key", "IB Key")
    said = f"{line.Whose} phone called with a {what}"
    return said + (
        ": the attacker's handset answered" if "sim_swapped" in (line.d.get("notes") or []) else ""
    )


def _account(line: Line) -> str:
    aid = line.d.get("account_id")
    return f"account {aid}" if aid else "an account"


def _swap(line: Line) -> str:
    sim = f"{line.who}'s SIM" if line.named else f"The SIM of {line.d.get('number', 'a phone')}"
    if line.d.get("sim_swapped"):
        return f"{sim} moved to the attacker's handset"
    changed = [
        said
        for key, said in (
            ("roaming", "roaming"),
            ("carrier_blocks_sms", "texts blocked"),
            ("needs_restart", "needs a restart"),
        )
        if line.d.get(key)
    ]
    if line.d.get("delivery_delay_s"):
        changed.append(f"texts {duration(line.d['delivery_delay_s'])} late")
    phone = f"{line.who}'s phone" if line.named else f"Phone {line.d.get('number', '')}".strip()
    return f"{phone}: " + (", ".join(changed) if changed else "back to normal, its own SIM")


def _approved(line: Line) -> str:
    request = "the attacker's login request" if line.attacker else "a login request"
    return f"{line.who} approved {request} on their phone"


def _summary(line: Line) -> str:
    """A flood's count, as the sentence of what it counted: "Login as card-carl refused: the account is
    locked, 6 times 06:27-06:28 (5 of them counted only here)"; the window in the feed's clock times (UTC).
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
    more = f" ({folded} of them counted only here)" if folded else ""
    return f"{said}, {line.d.get('count', 'several')} times{when}{more}"


#: The detail fields that stand for a name no user has (``_nameless``).
NAMELESS_KEYS = ("unknown_username", "invalid_username", "name_ref")


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


def _back_to_demo(line: Line) -> str:
    """The console's *Back to the demo world* (``sls state restore-demo``), in the button's words."""

    def many(key: str, noun: str) -> str:
        n = line.d.get(key, 0)
        return f"{n} {noun}" + ("" if n == 1 else "s")

    put_back = f"{many('users', 'user')} and {many('devices', 'device')}"
    return f"Back to the demo world: {put_back} as sls demo seeded them"


def _hm(at: int) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M")


def _at_offset(line: Line) -> str:
    """``, offset +1 d 15 min``: where the emulated clock now stands from real time (as the console's clock
    card says it), or ``, real time``."""
    total = line.d.get("offset_s")
    if not isinstance(total, int):
        return ""
    if not total:
        return ", real time"
    left, parts = abs(total), []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        n, left = divmod(left, size)
        if n:
            parts.append(f"{n:,} {unit}")
    sign = "+" if total > 0 else "\u2212"
    return f", offset {sign}{' '.join(parts)}"


def _session(ended: str) -> Callable[[Line], str]:
    return lambda line: f"{line.Whose} session {ended}"


Say = Callable[[Line], str]

WORDS: dict[str, Say] = {
    "login.password_ok": lambda e: f"Right password for {e.who}",
    "login.password_failed": lambda e: f"Wrong password for {e.who}",
    "login.refused": _refused,
    "login.challenge_issued": lambda e: f"Second step for {e.who}: {e.factor}",
    "login.second_factor_failed": lambda e: (
        f"Wrong {e.factor} code for {e.who}"
        + (f", {e.d['attempts_left']} tries left" if isinstance(e.d.get("attempts_left"), int) else "")
    ),
    "login.succeeded": lambda e: (
        (f"The attacker signed in as {e.who}" if e.attacker else f"{e.who} signed in")
        + (" from a new place" if e.d.get("new_place") else "")
    ),
    "login.code_replayed": lambda e: f"A used code for {e.who} was tried again and refused",
    "login.answer_refused": lambda e: f"An answer for {e.who}'s finished login step refused",
    "ibkey.password_failed": lambda e: f"Wrong password for {e.who} in the IB Key app",
    "stepup.challenge_issued": lambda e: f"Second step for {e.who} to confirm {_purpose(e)}: {e.factor}",
    "stepup.password_failed": lambda e: f"Wrong password for {e.who} while confirming a task",
    "stepup.verified": lambda e: f"{e.who} confirmed {_purpose(e)}",
    "password_change.password_failed": lambda e: f"Wrong current password for {e.who} on a password change",
    "password_recovery.started": lambda e: (
        f"Password reset asked for {e.who}, code sent to {e.d.get('to', 'the phone')}"
    ),
    "password_recovery.code_failed": lambda e: f"Wrong reset code for {e.who}",
    "password_recovery.refused": lambda e: f"Password reset for {e.who} refused: Client Services must do it",
    "password_recovery.verified": lambda e: f"Password reset for {e.who} went through",
    "withdrawal.requested": lambda e: (
        f"{e.who} asked to withdraw {e.d.get('amount', '')} {e.d.get('currency', '')}".rstrip()
    ),
    "session.rotated": _session("renewed after a check"),
    "session.replaced": _session("ended by a newer login"),
    "session.logout": lambda e: f"{e.who} logged out",
    "session.killed": _session("ended by an administrator"),
    "session.ended_by_user": lambda e: f"{e.who} ended one of their sessions",
    "session.expired_idle": _session("timed out, idle"),
    "session.expired_absolute": _session("reached its time limit"),
    "session.replaced_by_gateway_login": _session("ended by a gateway login"),
    "session.sso_expired": _session("SSO expired"),
    "session.daily_reset": _session("ended by the daily reset"),
    "user.created": lambda e: f"User {e.who} created",
    "user.deleted": lambda e: f"User {e.who} deleted",
    "user.disabled": lambda e: f"{e.who} disabled",
    "user.enabled": lambda e: f"{e.who} enabled again",
    "user.password_rehashed": lambda e: f"{e.who}'s stored password upgraded",
    "user.password_changed": lambda e: f"{e.who}'s password changed",
    "user.phone_change_requested": lambda e: (
        f"{e.who} asked to change their phone to {e.d.get('to', 'a new one')}"
    ),
    "user.phone_change_failed": lambda e: f"Wrong code for {e.who}'s phone change",
    "user.phone_changed": lambda e: f"{e.who}'s phone number changed",
    "account.created": lambda e: f"{_account(e)} created",
    "account.user_added": lambda e: f"{e.who} added to {_account(e)}",
    "account.user_removed": lambda e: f"{e.who} taken out of {_account(e)}",
    "account.deleted": lambda e: f"{_account(e)} deleted",
    "account.locked": _locked,
    "account.unlocked": lambda e: f"{e.who} unlocked",
    "ip.allowlist_changed": lambda e: f"IP restrictions changed for {e.who if e.named else _account(e)}",
    "ip.rejected": lambda e: (
        {
            "session_ended": f"{e.Whose} session ended",
            "verify_refused": f"{e.Whose} code refused",
        }.get(e.result, f"Login as {e.who} refused")
        + ": the address is outside the IP restrictions"
    ),
    "ip.throttle_lifted": lambda e: (
        f"Login limit of {e.ip or 'an address'} lifted: {e.d.get('attempts', 'its')} attempts forgotten"
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
    "device.unlocked": lambda e: f"{e.Whose} {e.factor} enabled again",
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
    "push.sent": lambda e: (
        f"Push sent to {e.whose} phone" + (" for the attacker's login" if e.attacker else "")
    ),
    "push.approved": _approved,
    "push.denied": lambda e: (
        f"{e.who} denied "
        + ("the attacker's login request" if e.attacker else "a login request")
        + " on their phone"
    ),
    "push.rate_limited": lambda e: f"Too many pushes to {e.whose} phone: no more for now",
    "sms.sent": _text,
    "sms.rate_limited": lambda e: f"Too many texts to {e.d.get('to', 'a phone')}: no more for now",
    "voice.called": _call,
    "phone.conditions_changed": _swap,
    "phone.restarted": lambda e: f"Phone {e.d.get('number', '')} restarted: it takes texts again",
    "gateway.session_established": lambda e: f"Gateway session opened for {e.who}",
    "gateway.session_ended": lambda e: f"Gateway session of {e.who} ended ({e.result.replace('_', ' ')})",
    "gateway.reauthenticated": lambda e: f"Gateway session of {e.who} authenticated again",
    "gateway.brokerage_dropped": lambda e: f"Gateway of {e.who}: brokerage session dropped",
    "gateway.brokerage_disconnected": lambda e: f"Gateway of {e.who}: brokerage disconnected",
    "gateway.competing_session": lambda e: f"Gateway of {e.who}: another session competes",
    "gateway.daily_reset_set": lambda e: "Gateway daily reset time set",
    "clock.moved": lambda e: "Server clock moved" + _at_offset(e),
    "clock.frozen": lambda e: "Server clock frozen" + _at_offset(e),
    "clock.thawed": lambda e: "Server clock running again" + _at_offset(e),
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
    "state.imported": lambda e: _back_to_demo(e) if e.d.get("demo_world") else "State imported",
    "secrets.resealed": lambda e: "Stored secrets sealed with a new key",
    "trainer.signed_in": lambda e: "Trainer signed in to the console",
    "trainer.sign_in_failed": lambda e: "Wrong trainer token",
    "trainer.signed_out": lambda e: "Trainer signed out",
    "console.sign_ins_ended": lambda e: "Every console sign-in ended",
    "sim.signed_in": lambda e: "Simulator pages signed in",
    "sim.signed_out": lambda e: "Simulator pages signed out",
    "sim.sign_in_failed": lambda e: "Wrong simulator token",
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

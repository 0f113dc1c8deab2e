"""The sentences of :mod:`.event_words`' table that take more than a line: a refusal and its reason, a lock,
a text or call and what became of it (which notice), a phone's conditions (a SIM swapped), a push and what it
confirms, an approval of the attacker's login (or by the attacker, on their own handset), an account, a
session's end and why, the clock's offset, the demo world put back.
"""

from __future__ import annotations

from collections.abc import Callable

from .event_line import Line
from .wording import duration

#: What a step-up confirms, in the words a room says (``auth.stepup.PURPOSES``): the ids themselves read
#: "confirmed change contact". ``change_security`` is the account page's password, IP Restrictions and
#: "log out the other sessions".
PURPOSES = {
    "login": "login",
    "notice": "notice",
    "withdrawal": "a withdrawal",
    "change_contact": "a change of phone number",
    "add_device": "a new security device",
    "change_security": "a change to security settings",
    "trade_permissions": "a change to trading permissions",
}


def purpose(line: Line) -> str:
    """What a step-up confirms: a login, a notice, or its purpose in words ("a withdrawal")."""
    what = str(line.d.get("purpose") or "login")
    return PURPOSES.get(what, what.replace("_", " "))


#: Each of a name's counts of reset codes (``event_details.CODE_BUDGETS``), as said after the sentence.
BUDGETS = {"new": " from a new address", "known": " from one of their addresses"}


def code_budget(line: Line) -> str:
    """Which count of a name's reset codes a try fell in (``recovery_codes``): a stranger spending the count
    of addresses new to the user leaves the user's own addresses theirs."""
    return BUDGETS.get(str(line.d.get("budget")), "")


def locked(line: Line) -> str:
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


def refused(line: Line) -> str:
    why = REFUSALS.get(line.result, line.result.replace("_", " "))
    return f"Login as {line.who} refused: {why}" if why else f"Login as {line.who} refused"


#: What a text or call carries, by its ``purpose``: a login's or step-up's code unless named here.
CARRIES = {
    "notice": "Security notice",
    "ibkey_activation": "IB Key activation code",
    "ibkey_migration": "IB Key activation code",
    "password_recovery": "Password reset code",
}


#: Which security notice a text was (``sms.sent``'s ``detail.notice``: ``event_details.NoticeKind``).
NOTICES = {
    "device_added": "a device added",
    "shared_card_added": "a shared card added",
    "device_revoked": "a device removed",
    "phone_changed": "phone number changed",
    "password_changed": "password changed",
    "password_reset": "password reset",
    "password_reset_by_admin": "password reset by Client Services",
    "ip_restrictions_changed": "IP restrictions changed",
    "suspicious_sign_in": "suspicious sign-in",
    "account_locked": "account locked",
}


def texted(line: Line) -> str:
    what = CARRIES.get(str(line.d.get("purpose")), "Code")
    notice = NOTICES.get(str(line.d.get("notice")))
    what += f" ({notice})" if notice else ""
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


def called(line: Line) -> str:
    what = CARRIES.get(str(line.d.get("purpose")), "code").lower().replace("ib key", "IB Key")
    said = f"{line.Whose} phone called with a {what}"
    return said + (
        ": the attacker's handset answered" if "sim_swapped" in (line.d.get("notes") or []) else ""
    )


def account(line: Line) -> str:
    aid = line.d.get("account_id")
    return f"account {aid}" if aid else "an account"


def how_deleted(line: Line) -> str:
    """How a user's or an account's deletion came, when not in one administrator's request
    (``event_details.deletion_detail``): after ``deleted``, or nothing."""
    if line.d.get("resumed"):  # cut short, or still running: the mark cannot tell (``deletion_detail``)
        return ": finished by a later request than the one that began it"
    if line.d.get("import_taken_back"):
        return ": taken back, written by a state import that was refused"
    return ""


def phone_conditions(line: Line) -> str:
    sim = f"{line.who}'s SIM" if line.named else f"The SIM of {line.d.get('number', 'a phone')}"
    if line.d.get("sim_swapped"):
        return f"{sim} moved to the attacker's handset"
    changed = [
        said
        for key, said in (
            ("roaming", "roaming"),
            ("carrier_blocks_sms", "texts blocked"),
            ("needs_restart", "needs a restart"),
            ("approves_pushes", "IBKR Mobile approves every notification by itself"),
        )
        if line.d.get(key)
    ]
    if line.d.get("delivery_delay_s"):
        changed.append(f"texts {duration(line.d['delivery_delay_s'])} late")
    phone = f"{line.who}'s phone" if line.named else f"Phone {line.d.get('number', '')}".strip()
    return f"{phone}: " + (", ".join(changed) if changed else "back to normal, its own SIM")


def pushed(line: Line) -> str:
    """A push and what it asks to confirm: a login, a password reset, or a step-up's purpose. The attacker's
    password reset (a SIM swap, then "Forgot your password?") read "for the attacker's login"."""
    what = str(line.d.get("purpose") or "login")
    to = f"Push sent to {line.whose} phone"
    if what == "login":
        return to + (" for the attacker's login" if line.attacker else "")
    if what == "password_recovery":
        return to + " to confirm a password reset" + (" the attacker asked for" if line.attacker else "")
    return f"{to} to confirm {purpose(line)}"


def answered_request(line: Line) -> str:
    """What an answered push asked to confirm (``detail.purpose``, absent for a login): "a login request",
    "the attacker's password reset", or a step-up's purpose ("a withdrawal"), as its ``push.sent`` said."""
    what = str(line.d.get("purpose") or "login")
    if what == "login":
        return "the attacker's login request" if line.attacker else "a login request"
    if what == "password_recovery":
        return "the attacker's password reset" if line.attacker else "a password reset"
    return purpose(line)


def approved(line: Line) -> str:
    """An approval, by whoever's hand tapped it: a phone at an attacker's address (``answered_from``) is the
    attacker's own handset, where a SIM swap moved the victim's IB Key; that was said as the victim's own
    approval, the opposite of the lesson (she did nothing)."""
    if line.d.get("answered_from") in line.attackers:
        return f"The attacker approved the push on their own handset, where {line.whose} IB Key now is"
    request = answered_request(line)
    if line.d.get("by_itself"):  # the phone condition approves_pushes: nobody tapped it
        return f"{line.Whose} phone approved {request} by itself: it is set to approve every push"
    return f"{line.who} approved {request} on their phone"


def wrong_number(line: Line) -> str:
    """A wrong number picked in IB Key (``login.second_factor_failed`` with ``wrong_number``): number matching
    ending the login it answered, recorded at that login's address; an attacker's is the defence a push
    bombing or a relay is stopped by, which a room read as "Wrong IB Key code ..., from 127.0.0.1"."""
    what = str(line.d.get("purpose") or "login")
    if what == "login":
        ended = "the attacker's login" if line.attacker else "that login"
    elif what == "password_recovery":
        ended = "the attacker's password reset" if line.attacker else "that password reset"
    else:
        ended = f"the step-up to confirm {purpose(line)}"
    return f"{line.who} picked the wrong number on their phone: number matching ended {ended}"


def back_to_demo(line: Line) -> str:
    """The console's *Back to the demo world* (``sls state restore-demo``), in the button's words."""

    def many(key: str, noun: str) -> str:
        n = line.d.get(key, 0)
        return f"{n} {noun}" + ("" if n == 1 else "s")

    put_back = f"{many('users', 'user')} and {many('devices', 'device')}"
    return f"Back to the demo world: {put_back} as sls demo seeded them"


def at_offset(line: Line) -> str:
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


def session_ended(ended: str) -> Callable[[Line], str]:
    return lambda line: f"{line.Whose} session {ended}"


#: What ended a ``session.killed`` (its ``detail.ended_by``: ``event_details.KilledBy``).
KILLED_BY = {
    "admin": "ended by an administrator",
    "password_reset": "ended: password reset by Client Services",
    "password_recovery": "ended: password reset",
    "user_disabled": "ended: user disabled",
    "user_deleted": "ended: user deleted",
}


def killed(line: Line) -> str:
    """ "iphone-ivy's session ended: password reset": why, as the event says (an event written before it
    said so, only that it ended)."""
    why = KILLED_BY.get(str(line.d.get("ended_by")), "ended")
    opened = line.d.get("opened_from")
    if opened and opened in line.attackers:  # the trainer putting the attacker out, not ending hers
        return f"The attacker's session as {line.who} (opened from {opened}) {why}"
    return f"{line.Whose} session {why}"

"""The staged push bombing (:mod:`.attacks`): the victim's password is known, and the attacker logs in again
and again from :data:`PUSH_IP`, hoping a tired user taps Approve. What stops it is number matching (a
wrong pick ends that login) and the IB Key push limit; what the report says is what each login sent, and
to whom."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import SlsError
from .attack_report import Report, attempt, factor_title, hhmm
from .ibkey_takeover import confirm_on_app, held_by
from .relay import ATTACKER_HANDSET, PHONE_FACTORS, login_codes

if TYPE_CHECKING:
    from ..wiring import Core

PUSH_IP = "198.51.100.77"


def has_ibkey(core: Core, username: str) -> bool:
    """Whether ``username`` has an active IB Key: without one there is no app to bomb, said as such."""
    return any(d.type == "ibkey" and d.status == "active" for d in core.devices.of_user(username))


def push_bombing(core: Core, report: Report, password: str, *, now: int) -> None:
    """The password is known; the attacker logs in again and again, hoping a tired user taps Approve."""
    app = held_by(core, report.target, ATTACKER_HANDSET)
    if app is not None:
        _approve_on_own_app(core, report, password, app, now=now)
        return
    limit = core.settings.push_limit
    asked_for: Counter[str] = Counter()
    limited = 0  # logins the push limit answered with a challenge (the factor's reason "push_limited")
    codes: Counter[str] = Counter()  # logins that began by sending a code over the phone network
    instead: Counter[str] = Counter()  # later logins the send limit began on another factor
    number = core.users.get(report.target).phone or ""
    swapped = bool(number) and core.phones.conditions(number).sim_swapped_to == ATTACKER_HANDSET
    seen = login_codes(core, ATTACKER_HANDSET, number, now=now) if swapped else {}
    waiting_until = 0  # when the last login left waiting on a push expires
    for _ in range(limit + 2):
        started = attempt(core, report, report.target, password, report.ip, now=now)
        if started is None:
            continue
        factor = started["factor"]
        if factor["type"] in PHONE_FACTORS:  # her login begins with a code: sent before any push
            codes[factor_title(core, factor)] += 1
            if swapped and _log_in_with_swapped_code(core, report, started, number, seen, now=now):
                return
        elif codes:  # her logins began with a code, this one not: the send limit refused to begin it
            instead[core.factors.get(factor["type"]).title] += 1
        expires_at = started["expires_at"]
        if factor["type"] != "ibkey" and any(f["type"] == "ibkey" for f in started["factors"]):
            try:
                switched = core.logins.switch(
                    started["txn_id"], started["login_token"], "ibkey", None, now=now, ip=report.ip
                )
            except SlsError as exc:
                report.refused(exc)
                continue
            factor, expires_at = switched["factor"], switched.get("expires_at", expires_at)
        if factor["type"] == "ibkey" and factor.get("mode") == "push":
            report.outcomes["push_sent"] += 1
            # the attacker's page waits on it: an approval after this report still lets them in
            core.attacker_waits.wait(
                report.target, {**started, "expires_at": expires_at}, ip=report.ip, now=now
            )
            waiting_until = max(waiting_until, int(expires_at))
            report.pushes_waiting[str(started["txn_id"])] = int(expires_at)
        elif factor.get("reason") == "push_limited":  # said below with the limit, not again as asked_for
            limited += 1
        else:
            asked_for[factor_title(core, factor)] += 1
    pushes = report.outcomes["push_sent"]
    if codes:
        _say_codes_sent(core, report, codes, instead, number, swapped=swapped)
    if pushes:
        said = (
            f"{pushes} notification{'s' if pushes != 1 else ''} reached the victim's phone, each with three "
            "numbers to pick from (number matching: a wrong pick ends that login, but a blind pick is right "
            "one time in three)"
        )
        if limited:  # said only when the limit acted: a login it answered with a challenge instead
            earlier = limit - pushes  # the window's pushes sent before this attack (a volunteer's login)
            before = f" ({earlier} of them sent before this attack, by earlier logins)" if earlier > 0 else ""
            said += (
                f"; past {limit} per window{before} the server sent no more: {limited} later login"
                f"{'s' if limited != 1 else ''} asked for IB Key's challenge/response instead, which needs "
                "the phone in hand"
            )
        still = "" if "SendLimited" in report.waits else ", and the victim can still log in"
        report.lines.append(f"{said}{still}.")
        report.lines.append(
            f"The attacker's page keeps waiting on {'them' if pushes != 1 else 'it'} until "
            f"{hhmm(waiting_until)} UTC: if {report.target} approves one with its right number, the "
            f"attacker is in (login.succeeded from {report.ip})."
        )
        report.waiting = {"ip": report.ip, "until": waiting_until, "pushes": pushes}
    elif limited:
        _say_limit_spent_before(core, report, limited)
        asked_for.clear()  # said above, with why
    elif not has_ibkey(core, report.target):
        report.lines.append(f"{report.target} has no IB Key: there is no app to bomb with notifications.")
    if asked_for:
        shown = ", ".join(f"{name} ({count})" for name, count in asked_for.items())
        report.lines.append(f"Logins that got past the password asked for {shown}: no notification.")
    report.say_refusals()


def _say_limit_spent_before(core: Core, report: Report, limited: int) -> None:
    """Not one push sent, the limit answering every login: earlier logins (most often the bombing a trainer
    staged a minute before) spent it. Said with the way to show the notifications again, or the room sees
    "the defences held" with no notification and no reason."""
    limit, window = core.settings.push_limit, core.settings.push_window
    span = f"{window // 60} min" if window % 60 == 0 else f"{window} s"
    report.lines.append(
        f"No notification reached {report.target}'s phone: the push limit ({limit} in {span}) was spent "
        f"before this attack began, by earlier logins (an earlier push bombing's too), so each of its "
        f"{limited} login{'s' if limited != 1 else ''} asked for IB Key's challenge/response instead, which "
        f"needs the phone in hand. To show the notifications again, move the clock on {span} (the console's "
        f"+15 min, or sls clock --advance {span.replace(' min', 'm').replace(' s', 's')}) and stage it again."
    )


def _approve_on_own_app(core: Core, report: Report, password: str, app: str, *, now: int) -> None:
    """Push bombing a user whose IB Key an earlier SIM swap moved to the attacker's handset: the pushes
    would reach the attacker's own app, so there is no one to wear down. One login, approved there."""
    report.lines.append(
        f"{report.target}'s only active IB Key is the one the attacker activated on their own handset in "
        "an earlier SIM swap (never taken back): its notifications reach the attacker's app, not the "
        "victim's phone, so the attacker needs no bombing."
    )
    started = attempt(core, report, report.target, password, report.ip, now=now)
    if started is None:
        report.say_refusals()
        return
    if not confirm_on_app(core, report, app, started, ip=report.ip, now=now):
        report.lines.append("The attacker's own IB Key did not get them in this time.")
        return
    report.succeeded = True
    report.outcomes["logged_in"] += 1
    report.lines.append(
        "They started one login and approved it on their own app, picking the number their own page "
        "showed, and logged in; the victim's phone got nothing."
    )


def _log_in_with_swapped_code(
    core: Core, report: Report, started: dict[str, Any], number: str, seen: Mapping[str, str], *, now: int
) -> bool:
    """The login began with a code, and a SIM swap left in place sent it to the attacker's handset: they type
    it and are in, with no push to wear anyone down with. False: no code arrived (the carrier dropped it),
    so the bombing goes on."""
    channel = started["factor"]["type"]
    arrived = login_codes(core, ATTACKER_HANDSET, number, now=now, channel=channel)
    code = next((c for id_, c in arrived.items() if id_ not in seen), None)
    if code is None:
        return False
    try:
        core.logins.verify(started["txn_id"], started["login_token"], code, now=now, ip=report.ip)
    except SlsError as exc:
        report.refused(exc)
        return False
    report.succeeded = True
    report.outcomes["logged_in"] += 1
    title = factor_title(core, started["factor"])
    report.lines.append(
        f"{report.target}'s login begins with {title} (the device of the last login is offered first), and "
        f"the SIM of {number} still sits in the attacker's handset (a SIM swap never given back): the first "
        "login's code went there, and the attacker typed it and logged in. No notification was needed."
    )
    return True


def _say_codes_sent(
    core: Core, report: Report, codes: Counter[str], instead: Counter[str], number: str, *, swapped: bool
) -> None:
    """The codes the attacker's logins sent before switching to IB Key, where they went, and what the SMS
    send limit they ran into does to the victim: it counts per account and per number, whoever asked. A
    user with other factors has her logins begin on one of them until it clears (``instead``); one with
    none has them refused (the start's ``SendLimited``)."""
    sent = sum(codes.values())
    where = "the attacker's handset (the swapped SIM)" if swapped else "the victim's phone"
    report.lines.append(
        f"{report.target}'s login begins with {', '.join(codes)} (the device of the last login is offered "
        f"first): {sent} login{'s' if sent != 1 else ''} sent a code to {where} before switching to IB Key."
    )
    if instead:
        later = sum(instead.values())
        report.lines.append(
            f"Then the send limit refused more codes to {number} (it counts per account and per number, "
            f"whoever asked): {later} later login{'s' if later != 1 else ''} began with "
            f"{', '.join(instead)} instead, the next of the user's factors, as the victim's own will until "
            "it clears."
        )
    wait = report.waits.get("SendLimited")
    if wait is not None:
        report.lines.append(
            f"Then the send limit refused more codes to {number}, and it counts per account and per number, "
            f"whoever asked: for about {max(1, -(-wait // 60))} min the victim's own logins that begin with "
            "a text are refused too (a login denied by the attacker's flood)."
        )

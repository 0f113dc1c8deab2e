"""The SIM swap against "Forgot your password?": no password needed, only the victim's username and her
number's SIM in the attacker's handset.

Through the real services (``core.recovery``, ``core.phones``, the IB Key app): swap the SIM, ask for a reset,
read the code that reaches the attacker's handset, type it. What stops it is the recovery's second factor on
an authenticator other than the phone: a user with only SMS or voice is sent to Client Services, a card or an
IB Key on the victim's own phone is not in the attacker's hands. Unless an earlier swap moved her IB Key to
the attacker's handset (:mod:`.ibkey_takeover`): then the attacker approves the reset there too, sets a
password of their own, and every session of hers ends. That is the report's lesson either way."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import SlsError
from .attack_report import Report, factor_title, hhmm
from .attacker_waits import attackers_password
from .ibkey_takeover import ATTACKER_PIN, held_by
from .relay import ATTACKER_HANDSET, NO_PUSH, no_push_why

if TYPE_CHECKING:
    from ..wiring import Core

#: Where the reset is asked for: the swap's own address (``attacks.SWAP_IP``, repeated to avoid a cycle).
RESET_IP = "198.51.100.99"
PURPOSE = "password_recovery"


def _reset_codes(core: Core, number: str, *, now: int) -> dict[str, str]:
    """Reset codes texted to ``number`` that are on the attacker's handset, by message id, newest first."""
    return {
        str(m["id"]): str(m["code"])
        for m in core.phones.messages(ATTACKER_HANDSET, now=now)
        if m.get("to") == number and m.get("purpose") == PURPOSE and m.get("code")
    }


def sim_swap_reset(core: Core, report: Report, *, now: int) -> None:
    name = report.target
    number = core.users.get(name).phone
    if not number:
        report.lines.append("The victim has no phone number: there is no SIM to swap and no code to steal.")
        return
    before = core.phones.conditions(number)
    was = "already" if before.sim_swapped_to == ATTACKER_HANDSET else "now"
    if was == "now":  # moved once: a second write would tell the trail of a second swap
        core.phones.set_conditions(
            number, replace(before, sim_swapped_to=ATTACKER_HANDSET), now=now, user=name
        )
    report.lines.append(
        f"The SIM of {number} {was} sits in the attacker's handset. Without the password, the attacker "
        'clicks "Forgot your password?" and types the victim\'s username.'
    )
    seen = _reset_codes(core, number, now=now)
    report.attempts += 1
    token = core.recovery.start(name, now=now, ip=RESET_IP)["recovery_token"]
    code = next((c for id_, c in _reset_codes(core, number, now=now).items() if id_ not in seen), None)
    if code is None:
        report.lines.append(
            "No reset code reached the attacker's handset (the carrier dropped it, a delay, or the phone's "
            "send limit), so the reset went no further."
        )
        return
    try:
        step = core.recovery.code(token, code, now=now, ip=RESET_IP)
    except SlsError as exc:
        report.refused(exc)
        if exc.code == "client_services_required":
            report.lines.append(
                "The attacker typed the code from the stolen SIM, and the reset stopped there: the victim "
                "has no authenticator but the phone, and a password is never reset with the phone alone."
            )
        report.say_refusals()
        return
    report.outcomes["reset_code_accepted"] += 1
    factor: dict[str, Any] = step["factor"]
    title = factor_title(core, factor)
    held = held_by(core, name, ATTACKER_HANDSET)
    if factor["type"] == "ibkey" and held is not None:
        _take_over(core, report, token, step, held, now=now)
        return
    report.outcomes["stopped_at_second_factor"] += 1
    where = _where_ib_key_asked(core, factor) if factor["type"] == "ibkey" else ""
    waits = factor["type"] == "ibkey" and factor.get("mode") == "push"
    report.lines.append(
        f"The code got the attacker as far as the second factor: the reset asks for the victim's {title}, "
        f"and the attacker holds only the SIM.{where} The password is unchanged{' for now' if waits else ''}."
    )
    if waits:
        _wait_on_her_phone(core, report, token, step, now=now)


def _wait_on_her_phone(core: Core, report: Report, token: str, step: dict[str, Any], *, now: int) -> None:
    """The attacker's reset page keeps waiting on the push, as a push bombing's logins do
    (``attacker_waits``): her approval of it, the right number picked, lets the attacker set a password.
    The attack returned at once, and an approval after it was a breach in the feed that changed nothing."""
    until = int(step["expires_at"])
    core.attacker_waits.wait_recovery(
        report.target, str(step["txn_id"]), ip=RESET_IP, token=token, until=until, now=now
    )
    report.waiting = {"ip": RESET_IP, "until": until}
    report.lines.append(
        f"The attacker's page keeps waiting on it until {hhmm(until)} UTC: if {report.target} approves it "
        "with its right number (shown on the attacker's page, not hers), the attacker sets a password of "
        "their own and her sessions end."
    )


def _where_ib_key_asked(core: Core, factor: dict[str, Any]) -> str:
    """Where the reset's IB Key step went: a push to her own phone, which she sees and can deny, or (her
    phone roaming, notifications off, the push limit spent) a challenge/response, which sends her nothing:
    said as a push there too, the report told of a check on her phone that never came."""
    if factor.get("mode") == "push":
        return " The identity check went to IB Key on the victim's own phone, where she can deny it."
    why = f" ({no_push_why(core, str(factor['reason']))})" if factor.get("reason") in NO_PUSH else ""
    return (
        f" IB Key asked the reset for its challenge/response, not a push{why}: only the app on her own phone "
        "can answer it, and nothing reached her phone to tell her of the reset."
    )


def _take_over(core: Core, report: Report, token: str, step: dict[str, Any], app: str, *, now: int) -> None:
    """The reset's IB Key step, on the IB Key an earlier swap moved to the attacker's handset."""
    unlock = {"pin": ATTACKER_PIN}
    factor = step["factor"]
    try:
        if factor.get("mode") == "push":
            note = next(n for n in core.ibkey.notifications(app, now=now) if n["txn_id"] == step["txn_id"])
            core.ibkey.answer(
                app, note["id"], "approve", match=factor["match"], unlock=unlock, now=now, ip=RESET_IP
            )
            core.recovery.verify(token, None, now=now, ip=RESET_IP)
        else:
            answer = core.ibkey.respond(app, str(factor["challenge"]), username=report.target, unlock=unlock)
            core.recovery.verify(token, answer["response"], now=now, ip=RESET_IP)
        core.recovery.set_password(token, attackers_password(), now=now, ip=RESET_IP)
    except (SlsError, StopIteration) as exc:
        if isinstance(exc, SlsError):
            report.refused(exc)
            report.say_refusals()
        return
    report.succeeded = True
    report.outcomes["password_reset"] += 1
    report.lines.append(
        "The reset's second factor went to IB Key, which an earlier SIM swap had already moved to the "
        "attacker's handset: the attacker approved it there and set a password of their own. The victim's "
        "sessions ended and her password no longer works; only Client Services can give the account back. A "
        "card active for her would have kept IB Key on her phone, and stopped this reset too."
    )

"""The SIM swap's second act against an IB Key user: with the victim's number and her phished password, the
attacker moves her IB Key to their own phone through the broker's "Migrate IB Key".

The seed's migration needs no old phone: "unless you have a physical security device active for your user,
you need to have access to the mobile phone number you originally used to activate IB Key, since we will
send a text message (SMS) to that mobile number". A swapped SIM is that access. So the staged swap does what
the seed's procedure does, through the real services (:mod:`.ibkey.migration`, ``Activation.activate``):
start the migration on the attacker's handset, read the activation code that reaches it, activate, which
replaces the victim's IB Key at once, then log in with the new one. A card active for the victim makes the
migration ask for the card's response instead of texting a code, and the attacker has no card: that is the
defence the report then names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import SlsError
from .attack_report import Report, attempt

if TYPE_CHECKING:
    from ..wiring import Core

#: The PIN the attacker sets on the IB Key they activate on their own (Android) handset.
ATTACKER_PIN = "2580"
_UNLOCK = {"pin": ATTACKER_PIN}


def activation_codes(core: Core, handset: str, number: str, *, now: int) -> dict[str, str]:
    """IB Key activation codes texted to ``number`` that are on ``handset``, by message id, newest first."""
    return {
        str(m["id"]): str(m["code"])
        for m in core.phones.messages(handset, now=now)
        if m.get("to") == number and m.get("purpose") == "ibkey_activation" and m.get("code")
    }


def move_ibkey(
    core: Core, report: Report, password: str, *, handset: str, number: str, ip: str, now: int
) -> None:
    """Migrate ``report.target``'s IB Key to ``handset`` (where her number's SIM now sits) and log in with
    it; each step's outcome goes into the report, a refusal as the service gave it."""
    name = report.target
    seen = activation_codes(core, handset, number, now=now)
    try:
        started = core.ibkey.migration.start(
            name, password, platform="android", handset=handset, now=now, ip=ip
        )
    except SlsError as exc:
        report.refused(exc)
        report.lines.append("The attacker asked to migrate IB Key to their handset, and was refused.")
        report.say_refusals()
        return
    if started.get("activation") == "card":
        report.outcomes["migration_needs_card"] += 1
        report.lines.append(
            f"The attacker asked to migrate {name}'s IB Key to their handset (the broker's \"Migrate IB "
            'Key", which needs no old phone), but a card is active for this user: the migration asked for '
            "the card's response to a challenge instead of texting a code, and the attacker has no card. The "
            "swap gains nothing; IB Key stays on the victim's phone."
        )
        return
    arrived = activation_codes(core, handset, number, now=now)
    code = next((c for id_, c in arrived.items() if id_ not in seen), None)
    if code is None:
        report.lines.append(
            "The attacker asked to migrate IB Key to their handset, but the activation text never reached "
            "it (dropped by the carrier, or delayed): the swap did not get them in this time."
        )
        return
    device_id = started["device_id"]
    try:
        done = core.ibkey.activation.activate(device_id, name, password, code, unlock=_UNLOCK, now=now, ip=ip)
    except SlsError as exc:
        report.refused(exc)
        report.lines.append("The attacker's IB Key activation was refused.")
        report.say_refusals()
        return
    report.outcomes["ibkey_moved"] += 1
    report.succeeded = True
    replaced = " It replaced the victim's IB Key, which stopped working at once." if done["replaced"] else ""
    report.lines.append(
        f"The attacker asked to migrate {name}'s IB Key to their handset (the broker's \"Migrate IB Key\", "
        "which needs no old phone): the activation code was texted to the victim's number, so it reached "
        f"the swapped SIM, and the attacker activated IB Key with it.{replaced}"
    )
    if log_in_on_app(core, report, device_id, password, ip=ip, now=now):
        report.outcomes["logged_in"] += 1
        report.lines.append("The attacker then logged in, confirming the login on their own IB Key.")
    report.lines.append(
        "A card active for the user would have stopped this: migration then asks for the card's response "
        "instead of texting a code."
    )


def held_by(core: Core, username: str, handset: str) -> str | None:
    """The id of ``username``'s active IB Key when it sits on ``handset`` (the attacker's, where an earlier
    swap's :func:`move_ibkey` put it), else None. The migration writes the new phone's ``handset`` on the
    device record, and activation replaces every other IB Key of the user, so this one device is where every
    later IB Key step of her logins goes: a push to the attacker's app, or a challenge it answers."""
    return next(
        (
            d.device_id
            for d in core.devices.active_of_user(username)
            if d.type == "ibkey" and d.handset == handset
        ),
        None,
    )


def log_in_on_app(core: Core, report: Report, app: str, password: str, *, ip: str, now: int) -> bool:
    """A login confirmed on the attacker's new IB Key (:func:`confirm_on_app`); True when it ended in a
    session. The login is one of the attack's attempts (:func:`attempt`), counted as any other."""
    started = attempt(core, report, report.target, password, ip, now=now)
    if started is None:
        report.say_refusals()
        return False
    return confirm_on_app(core, report, app, started, ip=ip, now=now)


def confirm_on_app(
    core: Core, report: Report, app: str, started: dict[str, Any], *, ip: str, now: int
) -> bool:
    """Confirm the login ``started`` (``LoginService.start``'s answer) on the attacker's IB Key ``app``: the
    push (they see the number on the page they started themselves), or the app's challenge/response when no
    push is sent; True when it ended in a session. Shared by every attack that meets an IB Key the attacker
    already holds, so each confirms the way the app really does."""
    name = report.target
    try:
        txn, token = started["txn_id"], started["login_token"]
        factor: dict[str, Any] = started["factor"]
        if factor["type"] != "ibkey":
            factor = core.logins.switch(txn, token, "ibkey", None, now=now, ip=ip)["factor"]
        if factor.get("mode") == "push":
            note = next(n for n in core.ibkey.notifications(app, now=now) if n["txn_id"] == txn)
            core.ibkey.answer(
                app, note["id"], "approve", match=factor["match"], unlock=_UNLOCK, now=now, ip=ip
            )
            state, _ = core.logins.status(txn, token, now=now, ip=ip)
            return bool(state.get("state") == "authenticated")
        answer = core.ibkey.respond(app, str(factor["challenge"]), username=name, unlock=_UNLOCK)
        core.logins.verify(txn, token, answer["response"], now=now, ip=ip)
        return True
    except (SlsError, StopIteration) as exc:
        if isinstance(exc, SlsError):
            report.refused(exc)
            report.say_refusals()
        return False

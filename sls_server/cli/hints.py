"""How the person holding the authenticator gets a step's answer, said with the exact command to type: what
``sls login`` shows while it prompts or waits, and what ``--start-only`` and ``sls switch`` print."""

from __future__ import annotations

from .admin_client import UNANSWERED, NoServer
from .answering import Answerer
from .app_unlock import unlock_flags
from .output import CliError
from .step_flow import Flow


def hint(answerer: Answerer, flow: Flow) -> str:
    """How the person holding the authenticator gets the answer, with the exact command."""
    factor = flow.factor
    kind, device_id = factor.get("type"), factor.get("device_id")
    pin = answerer.pin or answerer.world.device(device_id).get("pin") or "<PIN>"
    if kind == "dscplus":
        return (
            f"Challenge {factor.get('challenge')}: key the PIN and the challenge into the card "
            f"(sls device card-respond {device_id} --pin {pin} --challenge {factor.get('challenge')})"
        )
    if kind == "ibkey":
        unlock = unlock_flags(answerer.sim, str(device_id), answerer.world.device(device_id), answerer.given)
    if kind == "ibkey" and flow.is_push:
        found = None
        try:
            found = answerer.notification(flow)
        except UNANSWERED:  # the simulator may be off: the generic command still helps
            found = None
        nid = found["id"] if found else "<notification>"
        return (
            f"Approve on the phone, picking {factor.get('match')} "
            f"(sls device approve {device_id} {nid} --match {factor.get('match')} {unlock})"
        )
    if kind == "ibkey":
        return (
            f"Challenge {factor.get('challenge')} (no push: {factor.get('reason', 'challenge mode')}): "
            f"sls device ibkey-respond {device_id} --challenge {factor.get('challenge')} {unlock}"
        )
    if kind in ("sms", "voice"):
        try:  # demo.json's number, else the server's (a user of your own): the command to copy, whole
            number = answerer.phone_of(flow.username)
        except (CliError, NoServer):
            number = "<number>"
        where = "inbox" if kind == "sms" else "calls"
        held = answerer.sim_now_in(number) if number != "<number>" else None
        if held is not None:  # the code went where the SIM is: the owner's phone shows nothing
            return (
                f"A code went to {factor.get('sent_to')} by {kind}, whose SIM is in the handset '{held}' "
                f"(a SIM swap): sls phone {where} {held}"
            )
        return f"A code went to {factor.get('sent_to')} by {kind}: sls phone {where} {number}"
    if kind == "totp":
        digits = factor.get("digits", 6)
        return f"The {digits}-digit code of the authenticator app (sls device totp-code {device_id})"
    return "The temporary passcode the administrator gave"

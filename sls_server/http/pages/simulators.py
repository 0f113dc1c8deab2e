"""``/sim``: the simulated world a trainer projects: pick a user or a device, then the DSC+ card drawn as the
device (``/sim/card/<device_id>``) or the user's phone (``/sim/phone/<username>``: texts, calls, IBKR Mobile,
an authenticator app, and the network's conditions).

Like ``/sim/v1`` these stand for holding the card or the phone: open by default, off with
``SLS_SIM_ENABLED=false``, and behind the sim token (typed once: see ``access``) with ``SLS_SIM_TOKEN``.
The pages' scripts talk to this blueprint's own routes (``sim_actions``), never to ``/sim/v1`` with a token.
"""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, request
from flask.typing import ResponseReturnValue

from ...accounts.errors import UserNotFound
from ...auth.errors import TokenGuessesLimited
from ...errors import SlsError, StoreUnavailable, UnknownDevice
from ...sim.authenticator import AuthenticatorApp
from ...sim.card_keypad import CardKeypads
from ...web.wording import factor_name
from ..common import core
from . import bp
from .access import SIMULATORS
from .kit import page, require_browser_token, say
from .outcome import tell, told


def keypads() -> CardKeypads:
    return core().keypads


def authenticators() -> AuthenticatorApp:
    return core().authenticator


def locked_out() -> str | None:
    """Why this browser may not hold the simulated devices now: 'disabled', 'token', or None (it may)."""
    settings = core().settings
    if not settings.sim_enabled:
        return "disabled"
    if settings.sim_token is not None and not SIMULATORS.is_open():
        return "token"
    return None


#: What the sim token's form is told after a wrong token (once: a reload shows the form as it stands).
WRONG_SIM_TOKEN = "That is not this server's sim token."
#: Where the sign-in sends the browser back to: a simulator page's own path, as the form's ``next`` holds it
#: (device ids, usernames, handset names: letters, digits, ``.``, ``_``, ``+``, ``-``), never ``.`` or ``..``
#: (``/sim/../trainer``). Anything else goes to ``/sim``: a line break (``next=/sim%0d%0a...``) made the
#: ``Location`` header refuse it, a 500 and a traceback in the log for any client that asked.
BACK_TO = re.compile(r"/sim(?:/(?!\.\.?(?:/|$))[A-Za-z0-9._+-]+)*")


def signed_in_warning() -> dict[str, object] | None:
    """The idle warning of a page behind the sim token (a sign-in that idles out); none for open pages. Its
    *Stay signed in* reads the page again."""
    return SIMULATORS.idle_warning(request.path) if core().settings.sim_token is not None else None


def door() -> ResponseReturnValue:
    """The sim token's form (or "switched off") where a page was asked for, with what its last POST was
    told (a wrong token) once."""
    reason = locked_out()
    said = told()
    code = 403 if reason == "disabled" else said.get("status", 401)
    return page(
        "sim_door.html",
        code,
        reason=reason,
        message=said.get("message"),
        ended=SIMULATORS.ended(),  # why this browser is asked for the token again: idled out, at its limit
        next=request.path,
        section="sim",
    )


def world() -> list[dict[str, Any]]:
    """Every user with their phone and devices, for the simulator index."""
    users = []
    for name in core().users.names():
        record = core().users.get(name)
        devices = [d for d in core().devices.of_user(name) if d.status in ("active", "pending_activation")]
        users.append({"username": name, "phone": record.phone, "devices": devices})
    return users


@bp.get("/sim")
def sim_index() -> ResponseReturnValue:
    if locked_out():
        return door()
    signed_in = core().settings.sim_token is not None  # behind the sim token: this browser signed in
    return page(
        "sim_index.html",
        users=world(),
        factor_name=factor_name,
        signed_in=signed_in,
        idle_warning=signed_in_warning(),
        section="sim",
    )


@bp.post("/sim/sign-out")
def sim_sign_out() -> ResponseReturnValue:
    """The sim token's sign-in ended on the server, then its cookie dropped: a copy of it opens nothing."""
    require_browser_token()
    answer = redirect("/sim", 303)
    SIMULATORS.sign_out(answer)
    return answer


@bp.post("/sim/unlock")
def sim_unlock() -> ResponseReturnValue:
    """303 back to the page the form was on either way (``outcome``): a wrong token is said there once. A
    rendered refusal was sent again, token and all, by a reload or Back."""
    require_browser_token()
    target = request.form.get("next", "/sim")
    target = target if BACK_TO.fullmatch(target) else "/sim"
    answer = redirect(target, 303)
    try:
        if SIMULATORS.sign_in(request.form.get("token", ""), answer):
            return answer
    except TokenGuessesLimited as exc:  # too many wrong tokens from this address: said, the token not judged
        return tell(target, say(exc), exc.status)
    return tell(target, WRONG_SIM_TOKEN, 401)


@bp.get("/sim/card/<device_id>")
def sim_card(device_id: str) -> ResponseReturnValue:
    if locked_out():
        return door()
    try:
        card = keypads().card(device_id)
    except StoreUnavailable:
        raise  # an outage is not a missing card (kit._unavailable answers it)
    except (UnknownDevice, SlsError):
        return page("sim_missing.html", 404, what="card", section="sim")
    return page("sim_card.html", card=card, idle_warning=signed_in_warning(), section="sim")


@bp.get("/sim/phone/<username>")
def sim_phone(username: str) -> ResponseReturnValue:
    if locked_out():
        return door()
    try:
        user = core().users.get(username)
    except StoreUnavailable:
        raise  # an outage is not a missing phone
    except (UserNotFound, SlsError):
        return page("sim_missing.html", 404, what="phone", section="sim")
    return page(
        "sim_phone.html",
        username=user.username,
        phone=user.phone,
        idle_warning=signed_in_warning(),
        section="sim",
    )

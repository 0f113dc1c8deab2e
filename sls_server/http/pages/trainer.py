"""``/trainer``: the trainer's console. Users with their lock state, sessions and factors; the server's
clock (+1 min, +15 min, +1 day, reset, freeze); attacks staged against a chosen user; and the live audit feed
(``feed``). What the console administers (users, their devices, the saved world) is in ``trainer_admin``,
multi-user accounts in ``trainer_accounts``, ending sessions in ``trainer_sessions``, the audit trail's
search in ``trainer_events``, all through
:func:`action` here. Signed in once per browser with the admin token (``access``); every action is
a POST with the page's CSRF token, and the admin token itself never reaches JavaScript.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, redirect, request
from flask.typing import ResponseReturnValue

from ...accounts.users import PHONE_RE
from ...errors import InvalidRequest, SlsError
from ...shapes.attacks import AttackReport, AttackRequest
from ...sim.attacks import Attacks, attacker_addresses
from ...sim.relay import ATTACKER_HANDSET
from ...transfer.demo_world import DemoWorld
from ...web.wording import duration, factor_name
from ..admin.control import end_console_sign_ins, reset_clock
from ..common import core, now
from . import bp
from .access import TRAINER
from .kit import answers_json, page, require_browser_token, shaped
from .outcome import tell, told

#: The admin clock's range (2000-01-01 .. 2100-01-01 UTC), as ``/admin/v1/clock`` keeps it.
CLOCK_MIN, CLOCK_MAX = 946684800, 4102444800
CLOCK_STEPS = {"minute": 60, "quarter": 900, "day": 86400}
NBSP = "\u00a0"
ATTACK_TITLES = {
    "password_spray": "Password spray",
    "brute_force": "Brute force",
    "credential_stuffing": "Credential stuffing (many addresses)",
    "push_bombing": "Push bombing",
    "sim_swap": "SIM swap",
    "sim_swap_reset": "SIM swap, then “Forgot your password?”",
    "phishing_relay": "Phishing relay",
}


def users_view(accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each user's row: the lock's wait in seconds too (``lock_wait_s``), which the console counts down
    between two redraws; the wait as read never breaks between the number and its unit. ``accounts``: every
    account, as the Accounts card lists them (each user's is one of them: read once, for both)."""
    at = now()
    by_id = {account["account_id"]: account for account in accounts}
    shown = []
    for name in core().users.names():
        record = core().users.get(name)
        lock = core().lockout.status(name, now=at)
        waits = [b["retry_after"] for b in lock["buckets"].values() if b["locked"] and b["retry_after"]]
        access = core().ip_rules.user_allowlist(name)
        devices = [d for d in core().devices.of_user(name) if d.status != "revoked"]
        shown.append(
            {
                "username": name,
                "disabled": record.disabled,
                "locked": lock["locked"],
                "lock_wait": duration(max(waits)).replace(" ", NBSP) if waits else None,
                "lock_wait_s": max(waits) if waits else None,
                "failures": max((b["failures"] for b in lock["buckets"].values()), default=0),
                "sessions": core().sessions.of_user(name, now=at),
                "devices": devices,
                "held_by": {d.device_id: held_by(d.handset) for d in devices if d.status == "active"},
                "phone": record.phone,
                # a swap left in place: the next demo's texts and calls to her still reach the attacker
                "sim_swapped": bool(record.phone and core().phones.conditions(record.phone).sim_swapped_to),
                "allowlist": access["ip_allowlist"],
                "account": by_id.get(access["account_id"] or ""),
            }
        )
    return shown


def held_by(handset: str | None) -> str | None:
    """Who holds an IB Key migrated to a handset that is no phone number, in the table's words: after a
    staged SIM swap, the attacker. The table showed it as the victim's IB Key, with nothing to tell the room
    it now answers the attacker's logins."""
    if not handset or PHONE_RE.fullmatch(handset):
        return None
    return "the attacker's handset" if handset == ATTACKER_HANDSET else f"handset {handset}"


def json_guard() -> Response | None:
    """The 401 a console script reads when this browser is not signed in (and why, when a deadline ended
    the sign-in: ``access.Door.refusal``), else None."""
    if not TRAINER.is_open():
        return signed_out()
    return None


def signed_out() -> Response:
    response = jsonify(TRAINER.refusal("trainer_sign_in_required", "Sign in to the console first."))
    response.status_code = 401
    return response


#: What the sign-in form is told after a wrong admin token (once: a reload shows the form as it stands).
WRONG_ADMIN_TOKEN = "That is not this server's admin token."


@bp.get("/trainer")
def trainer_page() -> ResponseReturnValue:
    if not TRAINER.is_open():
        said = told()
        return page(
            "trainer_signin.html",
            said.get("status", 200),
            message=said.get("message"),
            ended=TRAINER.ended(),  # why this browser is asked to sign in again: idled out, at its limit
            idle=duration(core().console.idle_timeout),
            lifetime=duration(core().console.absolute_timeout),
            section="trainer",
        )
    accounts = core().ip_rules.accounts()
    return page(
        "trainer.html",
        users=users_view(accounts),
        accounts=accounts,
        clock=core().clock.reading(),
        attacks=ATTACK_TITLES,
        factor_name=factor_name,
        factor_types=core().factors.types(),
        attackers=attacker_addresses(core()),  # a session from one is tagged, as the feed tags the address
        attacker_ips=" ".join(attacker_addresses(core())),
        demo_world=DemoWorld.of(core()).kept(),  # "Back to the demo world" beside Reset, after `sls demo`
        # the feed's event ids are the app's wall-clock ms (store/events.py): those up to now are the backlog
        drawn_ms=int(time.time() * 1000),
        idle_warning=TRAINER.idle_warning("/trainer/users"),
        section="trainer",
    )


@bp.post("/trainer/sign-in")
def trainer_sign_in() -> ResponseReturnValue:
    """303 to ``/trainer`` either way (``outcome``): a wrong token is said there once, in a sealed cookie (a
    ``?failed=1`` in the address said it again on every reload, and a bookmark kept it)."""
    require_browser_token()
    answer = redirect("/trainer", 303)
    if TRAINER.sign_in(request.form.get("token", "")[:256], answer):
        return answer
    return tell("/trainer", WRONG_ADMIN_TOKEN, 401)


@bp.post("/trainer/sign-out")
def trainer_sign_out() -> ResponseReturnValue:
    require_browser_token()
    answer = redirect("/trainer", 303)
    TRAINER.sign_out(answer)
    return answer


@bp.post("/trainer/sign-ins/end")
def trainer_end_sign_ins() -> ResponseReturnValue:
    """``DELETE /admin/v1/console/sign-ins`` from the console: every browser signed in to it or to the
    simulator pages, this one too, must sign in again (a console left open elsewhere, a copied cookie)."""
    require_browser_token()
    answer = redirect("/trainer", 303)
    if TRAINER.is_open():
        end_console_sign_ins()
        TRAINER.sign_out(answer)
    return answer


@bp.get("/trainer/users")
def trainer_users() -> ResponseReturnValue:
    """The users table, with the server's clock on it, and the accounts table: what the console redraws as
    events arrive and every few seconds (a lock lapses, the clock moves by ``sls clock``, a user is added:
    the tables, the clock card, the lock countdowns and the victim list follow from this one answer)."""
    refused = json_guard()
    if refused:
        return refused
    accounts = core().ip_rules.accounts()
    return page(
        "_trainer_tables.html",
        users=users_view(accounts),
        accounts=accounts,
        clock=core().clock.reading(),
        factor_name=factor_name,
        factor_types=core().factors.types(),
        attackers=attacker_addresses(core()),
    )


def action(run: Callable[[dict[str, Any]], Any], *, parse: bool = True) -> ResponseReturnValue:
    """One console action: signed in, the page's CSRF token, then ``run`` on the JSON body; a refusal of
    the core is its JSON error (``field`` and all), which the console shows next to the field it names.
    ``parse=False``: ``run`` reads the body itself (a state document, validated straight from its bytes)."""
    refused = json_guard()
    if refused:
        return refused
    try:
        require_browser_token()
        return jsonify(run(console_body() if parse else {}))
    except SlsError as exc:
        response = jsonify(exc.body())  # with the field it names (and an entry's index), for the console
        response.status_code = exc.status
        return response


def console_body() -> dict[str, Any]:
    """A console action's JSON object; no body is ``{}`` (an action with nothing to say). Anything else is
    a 400 naming ``body``: read leniently (``get_json(silent=True) or {}``), malformed JSON ran the action
    on ``{}`` (``/trainer/reset`` sent ``garbage`` reset the world; a field was said to be missing that had
    been sent), and a JSON list reached the action, whose ``.get`` answered a 500."""
    if not request.get_data(cache=True).strip():
        return {}
    given = request.get_json(silent=True)
    if not isinstance(given, dict):
        raise InvalidRequest("the body must be a JSON object, sent as application/json", field="body")
    return given


@bp.post("/trainer/clock")
@answers_json
def trainer_clock() -> ResponseReturnValue:
    def move(body: dict[str, Any]) -> dict[str, Any]:
        step = body.get("step")
        steps = ", ".join(("reset", "freeze", "thaw", *CLOCK_STEPS))
        if not isinstance(step, str):  # a list or an object is no key to look up: named, never a 500
            raise InvalidRequest(f"step must be one of {steps}", field="step")
        clock = core().clock
        if step == "reset":  # as ``POST /admin/v1/clock {"reset": true}`` does, with the same events
            return reset_clock().as_dict()
        if step in ("freeze", "thaw"):  # as ``POST /admin/v1/clock {"freeze": ...}`` does
            reading = clock.reading()
            if reading.frozen != (step == "freeze"):
                reading = clock.freeze(step == "freeze")
                kind = "clock.frozen" if reading.frozen else "clock.thawed"
                core().events.record(kind, at=reading.now, detail={"offset_s": reading.offset_s})
            return reading.as_dict()
        if step in CLOCK_STEPS:
            moved = clock.advance_within(CLOCK_STEPS[step], CLOCK_MIN, CLOCK_MAX)
            if moved is None:
                raise InvalidRequest("the clock would leave its range", field="step")
            reading = moved
        else:
            raise InvalidRequest(f"step must be one of {steps}", field="step")
        core().events.record("clock.moved", at=reading.now, detail={"offset_s": reading.offset_s})
        return reading.as_dict()

    return action(move)


@bp.post("/trainer/attack")
@answers_json
def trainer_attack() -> ResponseReturnValue:
    """``POST /admin/v1/attacks``'s twin: its shape, the same core."""

    def attack(body: dict[str, Any]) -> AttackReport:
        asked = shaped(AttackRequest, body)
        return Attacks(core()).run(asked.attack, asked.username, password=asked.password, now=now())

    return action(attack)


@bp.post("/trainer/users/<username>/unlock")
@answers_json
def trainer_unlock(username: str) -> ResponseReturnValue:
    def unlock(_: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        core().lockout.unlock(name, now=now())
        return {"unlocked": name}

    return action(unlock)

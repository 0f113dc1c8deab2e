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

from ...auth.errors import TokenGuessesLimited
from ...errors import InvalidRequest, SlsError
from ...settings_view import readable, settings_view
from ...shapes.attacks import AttackReport, AttackRequest
from ...sim.attacks import Attacks, attacker_addresses
from ...sim.last_attack import read_last
from ...sim.push_bombing_state import read_state
from ...sim.users_table import users_table
from ...transfer.demo_world import DemoWorld
from ...web.wording import duration, factor_name
from ..admin.control import end_console_sign_ins
from ..common import core, now
from ..errors import answer_error
from . import bp
from .access import TRAINER
from .kit import answers_json, page, require_browser_token, say, shaped
from .outcome import tell, told

#: The console's clock buttons: ``advance_s`` of ``POST /admin/v1/clock`` each.
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
    """The core's rows (``sim.users_table``: a user deleted meanwhile is left out, never a refused table),
    with the lock's wait in words too; the console counts down to ``lock_ends_at`` between two redraws,
    and the wait as read never breaks between the number and its unit. ``accounts``: every account, as the
    Accounts card lists them (each user's is one of them: read once, for both)."""
    at = now()
    rows = users_table(core(), accounts, now=at)
    return [
        {**row, "lock_wait": waited(row["lock_wait_s"]), "lock_ends_at": ends(at, row["lock_wait_s"])}
        for row in rows
    ]


def ends(at: int, wait_s: int | None) -> int | None:
    """When a lock in force ends, on the server's clock: the console counts down to it, and two reads of the
    table a second apart say the same of it, so a read that finds nothing changed draws nothing again."""
    return at + wait_s if wait_s else None


def waited(seconds: int | None) -> str | None:
    return duration(seconds).replace(" ", NBSP) if seconds else None


def json_guard() -> Response | None:
    """The 401 a console script reads when this browser is not signed in (and why, when a deadline ended
    the sign-in: ``access.Door.refusal``), else None."""
    if not TRAINER.is_open():
        return signed_out()
    return None


def signed_out() -> Response:
    return answer_error(TRAINER.refusal())


#: What the sign-in form is told after a wrong admin token (once: a reload shows the form as it stands).
WRONG_ADMIN_TOKEN = "That is not this server's admin token."


@bp.get("/trainer")
def trainer_page() -> ResponseReturnValue:
    if not TRAINER.is_open():
        return sign_in_page()
    accounts = core().ip_rules.accounts()
    return page(
        "trainer.html",
        users=users_view(accounts),
        strike_limit=core().settings.device_failure_limit,  # a user's strikes at it refuse their answers
        accounts=accounts,
        clock=core().clock.reading(),
        attacks=ATTACK_TITLES,
        factor_name=factor_name,
        factor_types=core().factors.types(),
        attackers=attacker_addresses(core()),  # a session from one is tagged, as the feed tags the address
        attacker_ips=" ".join(attacker_addresses(core())),
        demo_world=DemoWorld.of(core()).kept(),  # "Back to the demo world" beside Reset, after `sls demo`
        ip_limit={  # the per-address login limit's card (``trainer_limits``) says what it counts
            "limit": core().settings.ip_throttle_limit,
            "window": duration(core().settings.ip_throttle_window),
        },
        # the feed's event ids are the app's wall-clock ms (store/events.py): those up to now are the backlog
        drawn_ms=int(time.time() * 1000),
        idle_warning=TRAINER.idle_warning("/trainer/users"),
        settings=console_settings(),
        section="trainer",
    )


def console_settings() -> dict[str, str]:
    """The Server settings card's rows, by name, as ``sls settings`` shows them: never a secret's value."""
    return readable(settings_view(core().settings))


def sign_in_page() -> ResponseReturnValue:
    """The console's sign-in form, for ``/trainer`` and each page of the console a browser not signed in
    opens (the sign-in leads back to ``/trainer``)."""
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


@bp.post("/trainer/sign-in")
def trainer_sign_in() -> ResponseReturnValue:
    """303 to ``/trainer`` either way (``outcome``): a wrong token is said there once, in a sealed cookie (a
    ``?failed=1`` in the address said it again on every reload, and a bookmark kept it)."""
    require_browser_token()
    answer = redirect("/trainer", 303)
    try:
        if TRAINER.sign_in(request.form.get("token", "")[:256], answer):
            return answer
    except TokenGuessesLimited as exc:  # too many wrong tokens from this address: said, the token not judged
        return tell("/trainer", say(exc), exc.status)
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
        strike_limit=core().settings.device_failure_limit,  # a user's strikes at it refuse their answers
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
    except SlsError as exc:  # with the field it names (and an entry's index), for the console
        return answer_error(exc)


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
    """``POST /admin/v1/clock``'s twin (``core().clock_service``, the same events): ``reset``, ``freeze``,
    ``thaw``, or a step forward (+1 min, +15 min, +1 day), a refusal of which names ``step``."""

    def move(body: dict[str, Any]) -> dict[str, Any]:
        step = body.get("step")
        clocks = core().clock_service
        if step == "reset":
            return clocks.reset().as_dict()
        if step in ("freeze", "thaw"):
            return clocks.move(freeze=step == "freeze").as_dict()
        if isinstance(step, str) and step in CLOCK_STEPS:  # a list or an object is no key: named, never a 500
            return clocks.move(advance_s=CLOCK_STEPS[step], field="step").as_dict()
        steps = ", ".join(("reset", "freeze", "thaw", *CLOCK_STEPS))
        raise InvalidRequest(f"step must be one of {steps}", field="step")

    return action(move)


@bp.post("/trainer/attack")
@answers_json
def trainer_attack() -> ResponseReturnValue:
    """``POST /admin/v1/attacks``'s twin: its shape, the same core."""

    def attack(body: dict[str, Any]) -> AttackReport:
        asked = shaped(AttackRequest, body)
        return Attacks(core()).run(asked.attack, asked.username, password=asked.password, now=now())

    return action(attack)


@bp.get("/trainer/attacks/push-bombing")
@answers_json
def trainer_push_bombing() -> ResponseReturnValue:
    """``GET /admin/v1/attacks/push-bombing``'s twin for the last one staged: what the console draws again
    after a reload, and reads as the victim answers (her count and the verdict are the server's)."""
    refused = json_guard()
    if refused:
        return refused
    return jsonify(read_state(core(), None, now=now()))


@bp.get("/trainer/attacks/last")
@answers_json
def trainer_last_attack() -> ResponseReturnValue:
    """``GET /admin/v1/attacks/last``'s twin: the report the console draws again after a reload, with the
    Attack and the Victim it was staged with, whatever its kind (it drew the last push bombing's, even
    after a brute force staged since, beside the Attack select's first choice)."""
    refused = json_guard()
    if refused:
        return refused
    return jsonify(read_last(core(), now=now()))


@bp.post("/trainer/users/<username>/unlock")
@answers_json
def trainer_unlock(username: str) -> ResponseReturnValue:
    def unlock(_: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        core().lockout.unlock(name, now=now())
        return {"unlocked": name}

    return action(unlock)

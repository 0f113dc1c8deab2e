"""``sls login``, ``sls switch`` and ``sls answer``: the user's side of ``/api/v1``, as a login page does it.

``sls login USER`` walks the whole flow: the password, then the second factor it is prompted for (or another
with ``--factor``), answered with ``--response``, from what ``demo.json`` says the user holds, through the
simulators with ``--auto``, by waiting for an IB Key approval, or typed at a prompt (``step_loop``). It keeps
the login's ``login_token`` while the login is open (``sls switch`` and ``sls answer`` continue it from
another command) and the session it ends in (``sls whoami``, ``sls stepup``, ``sls logout`` use it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from . import demofile, login_state, world_marks
from .admin_client import AdminClient
from .admin_commands import admin_options
from .app_unlock import Given
from .device_commands import DEVICE_TYPES
from .login_view import answer_options, print_prompt, print_session, tools
from .output import CliError
from .reading import ask
from .server_errors import server_errors
from .sim_access import sim_token_option
from .step_flow import Flow, done
from .step_loop import run_flow

if TYPE_CHECKING:  # the answerer loads the devices' models: `sls login --help` must not
    from .answering import Answerer


@click.command("login")
@click.argument("username")
@click.option(
    "--password", help="The password; prompted for (hidden) when not given, or demo.json's with --auto."
)
@click.option(
    "--factor", "factor_type", type=click.Choice(DEVICE_TYPES), help="Use this factor, not the default."
)
@click.option(
    "--device", "device_id", metavar="DEVICE_ID", help="Use this device (with --factor: of that type)."
)
@click.option(
    "--start-only", is_flag=True, help="Stop after the password: print the prompt, keep the login open."
)
@click.option("--response", metavar="ANSWER", help="The answer: the card's response, a code, a passcode.")
@answer_options
@admin_options
def login(
    username: str,
    password: str | None,
    factor_type: str | None,
    device_id: str | None,
    start_only: bool,
    response: str | None,
    auto: bool,
    pin: str | None,
    biometric: bool,
    passcode: str | None,
    timeout: float,
    sim_token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Log in as a user: the password, then the second factor.

    POST /api/v1/auth/login, then POST /api/v1/auth/login/<txn_id>/verify (or polling for an approval).

    Without --response it prompts, offering the answer when demo.json knows it (a demo card's response, a
    TOTP code, a passcode); an IB Key push is waited for (approve it in another terminal). --auto answers
    through the simulators instead. The session is printed and kept for the other commands.

    \b
    Examples:
      sls login card-carl                                  # prompts for password and response
      sls login sms-sam --auto                             # password from demo.json, code from the phone
      sls login android-ann --password 'copper-lantern-meadow-7'   # waits for the push approval
      sls login sms-sam --auto --factor voice              # "didn't receive a code?": a callback
      TOKEN=$(sls login card-carl --auto --json | jq -r .session.token)
    """
    admin, answerer = tools(url, admin_token, sim_token, Given(pin, biometric, passcode), about=username)
    name = username.strip().lower()
    if password is None:
        known = answerer.world.user(name).get("password")
        if auto and answerer.world.user(name).get(world_marks.CHANGED):
            raise CliError(f"{world_marks.not_known(name)}; or give --password", code="password_unknown")
        if auto and known:
            password = str(known)
        else:
            answering_at(admin)  # no password is asked for a login no server could take
            instead = "give --password"
            if auto:
                instead += f" (--auto finds no password for {name}{why_no_password(answerer)})"
            password = ask(f"Password for {name}", instead=instead, hide_input=True)
    seen = answerer.snapshot(name) if auto else []
    api = admin.with_token(None)
    with server_errors():
        started = api.request("POST", "/api/v1/auth/login", {"username": name, "password": password})
        flow = Flow(
            "login",
            str(started.get("username") or name),
            started["txn_id"],
            started["factor"],
            started.get("factors") or [],
            login_token=started["login_token"],
            seen=seen,
        )
        remember = _keeper(admin.url)
        remember(flow)
        if device_id and not factor_type:  # the device says its type, as a step-up's does on the server
            factor_type = factor_of(flow, device_id)
        if factor_type and (factor_type != flow.factor.get("type") or device_id):
            flow.switch(api, factor_type, device_id)
            remember(flow)
        if start_only:
            print_prompt(flow, {**started, "factor": flow.factor}, as_json, answerer)
            return
        result = run_flow(
            flow, api, answerer, response=response, auto=auto, timeout=timeout, remember=remember
        )
    finish(admin.url, flow, result, as_json)


def answering_at(admin: AdminClient) -> None:
    """A server answers at the URL (``GET /healthz``), else "no server at ..." (exit 1), said before any
    prompt: the password typed would only be thrown away."""
    with server_errors():
        admin.with_token(None).request("GET", "/healthz")


def why_no_password(answerer: Answerer) -> str:
    """Where --auto looked for the password, and why it is not there: it knows only the demo users', from
    the demo.json ``sls demo`` writes once it has seeded them (a script that started ``sls demo`` and waited
    only for /readyz gets here too early), and none without a demo.json of this server."""
    demo = demofile.naming(answerer.admin.url)
    if demo is not None and demofile.still_seeding(demo):
        return ": `sls demo` is still seeding its world (it prints it when it is ready)"
    if not answerer.world.users:
        return ": no demo.json of this server's demo (sls demo writes one)"
    return " in demo.json: not a demo user"


def factor_of(flow: Flow, device_id: str) -> str:
    """The type of the login's factor ``device_id`` (``--device`` without ``--factor``). A device that is not
    one of them is said, with the ones there are, never ignored (the login went on with its default)."""
    for factor in flow.factors:
        if factor.get("device_id") == device_id:
            return str(factor.get("type"))
    offered = ", ".join(f"{f.get('type')} {f.get('device_id')}" for f in flow.factors) or "none"
    raise CliError(f"--device {device_id}: not one of {flow.username}'s factors ({offered})")


def _keeper(url: str) -> Callable[[Flow], None]:
    return lambda flow: login_state.remember(url, flow.username, pending=flow.saved())


def finish(url: str, flow: Flow, result: dict[str, Any], as_json: bool) -> None:
    if not done(result):
        raise CliError(f"{flow.kind} not finished: {result.get('state')}")
    login_state.remember(url, flow.username, pending=None, session=result["session"])
    title = f"logged in as {flow.username} with {flow.factor.get('type')}"
    if flow.kind == "stepup":
        title = f"{flow.username} verified for {flow.purpose} with {flow.factor.get('type')}"
    print_session(result, flow.username, as_json, title)


def pending(url: str, username: str | None) -> Flow:
    name, kept = login_state.recall(url, username)
    if not kept.get("pending"):
        raise CliError(f"no login or step-up of {name} is open here: start one with `sls login {name}`", 2)
    return Flow.from_saved(kept["pending"])


@click.command("switch")
@click.argument("factor_type", metavar="TYPE", type=click.Choice(DEVICE_TYPES))
@click.option("--device", "device_id", metavar="DEVICE_ID", help="Which device of that type.")
@click.option("--user", "username", metavar="USERNAME", help="Whose open login.  [default: the last one]")
@click.option(
    "--challenge",
    is_flag=True,
    help="ibkey: Challenge/Response instead of a push, as for a phone that gets no notifications.",
)
@sim_token_option
@admin_options
def switch(
    factor_type: str,
    device_id: str | None,
    username: str | None,
    challenge: bool,
    sim_token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Use another factor on the open login, or ask for a new code (POST /api/v1/auth/login/<txn_id>/factor).

    "Didn't receive a security code?": `sls switch sms` sends a new text, `sls switch voice` a callback.
    "Not receiving notifications?": `sls switch ibkey --challenge` shows a Challenge Code for IBKR Mobile.

    \b
    Examples:
      sls switch voice
      sls switch dscplus --user multi-mia
      sls switch ibkey --challenge --user android-ann
    """
    if challenge and factor_type != "ibkey":
        hint = "'--challenge'"
        raise click.BadParameter("only IB Key has one: sls switch ibkey --challenge", param_hint=hint)
    admin, answerer = tools(url, admin_token, sim_token, Given(), about=username)
    flow = pending(admin.url, username)
    with server_errors():
        answer = flow.switch(admin.with_token(None), factor_type, device_id, challenge=challenge)
    _keeper(admin.url)(flow)
    print_prompt(flow, answer, as_json, answerer)


@click.command("answer")
@click.argument("response", required=False)
@click.option("--user", "username", metavar="USERNAME", help="Whose open login.  [default: the last one]")
@answer_options
@admin_options
def answer(
    response: str | None,
    username: str | None,
    auto: bool,
    pin: str | None,
    biometric: bool,
    passcode: str | None,
    timeout: float,
    sim_token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Answer the open login or step-up; with no RESPONSE, prompt, --auto, or wait for an app approval.

    The open step is the one `sls login --start-only`, `sls switch` or `sls stepup --start-only` left
    (POST /api/v1/auth/login/<txn_id>/verify, GET /api/v1/auth/login/<txn_id>, or POST /api/v1/verify).

    \b
    Examples:
      sls answer 73025816
      sls answer --auto --user sms-sam
    """
    admin, answerer = tools(url, admin_token, sim_token, Given(pin, biometric, passcode), about=username)
    flow = pending(admin.url, username)
    with server_errors():
        result = run_flow(
            flow, admin, answerer, response=response, auto=auto, timeout=timeout, remember=_keeper(admin.url)
        )
    finish(admin.url, flow, result, as_json)

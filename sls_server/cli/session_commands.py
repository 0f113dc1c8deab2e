"""``sls stepup``, ``sls whoami``, ``sls my-sessions``, ``sls logout``: inside a session (the tasks a step-up
guards are in ``sensitive_commands``).

The session token comes from ``--token`` (or ``SLS_SESSION_TOKEN``), else from the last ``sls login`` of
``--user`` (or of whoever logged in last). A step-up rotates the token: the new one is kept (and printed),
the old one is dead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from . import login_state
from .admin_client import AdminClient, segment
from .admin_commands import admin_options, connect, sessions_table, show_record, token_option
from .app_unlock import Given
from .device_commands import DEVICE_TYPES
from .login_commands import finish
from .login_view import answer_options, print_prompt, tools
from .output import print_json, print_renderable
from .server_errors import server_errors
from .step_flow import Flow
from .step_loop import run_flow

F = TypeVar("F", bound=Callable[..., Any])
#: What a step-up can be for (the server's list); withdrawal and change_contact guard two routes
#: (``sensitive_commands``).
PURPOSES = ("withdrawal", "change_contact", "add_device", "change_security", "trade_permissions")


def session_options(func: F) -> F:
    func = click.option(
        "--user", "username", metavar="USERNAME", help="Whose kept session.  [default: the last]"
    )(func)
    return token_option(
        "--token", "SLS_SESSION_TOKEN", "The session token.  [default: the one `sls login` kept]"
    )(func)


def session_api(
    admin: AdminClient, username: str | None, token: str | None
) -> tuple[str | None, AdminClient]:
    name, session_token = login_state.session_token(admin.url, username, token)
    return name, admin.with_token(session_token)


def session_client(
    url: str | None, admin_token: str | None, username: str | None, token: str | None
) -> tuple[AdminClient, str | None, AdminClient]:
    """The server, whose session (None: a token given with no --user) and a client sending its token: what a
    task inside a session needs when nothing is answered through the simulators (``tools`` when it is)."""
    admin = connect(url, admin_token)
    name, api = session_api(admin, username, token)
    return admin, name, api


@click.command("stepup")
@click.option("--purpose", type=click.Choice(PURPOSES), required=True, help="What the verification is for.")
@click.option(
    "--factor", "factor_type", type=click.Choice(DEVICE_TYPES), help="Use this factor, not the default."
)
@click.option(
    "--device", "device_id", metavar="DEVICE_ID", help="Use this device (with --factor: of that type)."
)
@click.option(
    "--challenge",
    is_flag=True,
    help="IB Key: a Challenge Code for IBKR Mobile instead of a push (implies --factor ibkey).",
)
@click.option("--start-only", is_flag=True, help="Stop after the challenge: print it, keep the step-up open.")
@click.option("--response", metavar="ANSWER", help="The answer: the card's response, a code, a passcode.")
@answer_options
@session_options
@admin_options
def stepup(
    purpose: str,
    factor_type: str | None,
    device_id: str | None,
    challenge: bool,
    start_only: bool,
    response: str | None,
    auto: bool,
    pin: str | None,
    biometric: bool,
    passcode: str | None,
    timeout: float,
    sim_token: str | None,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Verify your identity for a sensitive task, inside a session (POST /api/v1/verify).

    Answered like a login (--response, --auto, a prompt, or waiting for the app). The session token is
    rotated: the new one is printed and kept. Then `sls withdraw`, `sls change-phone` or
    `sls my-sessions --end-others` within 5 minutes (SLS_STEPUP_VALIDITY).

    \b
    Examples:
      sls stepup --purpose withdrawal --auto && sls withdraw 100
      sls stepup --purpose withdrawal --challenge --start-only   # the Challenge Code, for IBKR Mobile
      TOKEN=$(sls stepup --purpose withdrawal --token "$TOKEN" --auto --json | jq -r .session.token)
    """
    admin, answerer = tools(url, admin_token, sim_token, Given(pin, biometric, passcode), about=username)
    name, api = session_api(admin, username, token)
    if challenge and factor_type not in (None, "ibkey"):
        hint = "'--challenge'"
        raise click.BadParameter("IB Key's only: leave out --factor, or --factor ibkey", param_hint=hint)
    body: dict[str, Any] = {"purpose": purpose}
    if challenge:
        factor_type = "ibkey"
        body["mode"] = "challenge"
    if factor_type:
        body["type"] = factor_type
    if device_id:
        body["device_id"] = device_id
    with server_errors():
        if name is None:  # a token given with no --user: ask the server whose it is
            name = str(api.request("GET", "/api/v1/session")["username"])
        seen = answerer.snapshot(name) if auto else []
        begun = api.request("POST", "/api/v1/verify", body)
        flow = Flow(
            "stepup",
            name,
            begun["txn_id"],
            begun["factor"],
            begun.get("factors") or [],
            session_token=api.token,
            purpose=purpose,
            seen=seen,
        )

        def remember(current: Flow) -> None:
            login_state.remember(admin.url, current.username, pending=current.saved())

        remember(flow)
        if start_only:
            print_prompt(flow, begun, as_json, answerer)
            return
        result = run_flow(
            flow, admin, answerer, response=response, auto=auto, timeout=timeout, remember=remember
        )
    finish(admin.url, flow, result, as_json)


@click.command("whoami")
@click.option("--tickle", is_flag=True, help="Only keep the session alive (POST /api/v1/session/tickle).")
@session_options
@admin_options
def whoami(
    tickle: bool,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Who the session is, and when it ends (GET /api/v1/session); counts as activity.

    After SLS_IDLE_TIMEOUT without activity (`sls clock --advance 15m`) it is 401 session_expired
    (ended_by=idle), every time for a day of real time, not only the first.

    \b
    Examples:
      sls whoami
      sls whoami --tickle --user card-carl
    """
    _, _, api = session_client(url, admin_token, username, token)
    with server_errors():
        result = (
            api.request("POST", "/api/v1/session/tickle") if tickle else api.request("GET", "/api/v1/session")
        )
    show_record(result, f"session of {result.get('username')}", as_json)


@click.command("my-sessions")
@click.option(
    "--end",
    "end_id",
    metavar="SESSION_ID",
    help="End this other session of yours (an id as the list prints it); needs a fresh step-up.",
)
@click.option(
    "--end-others", is_flag=True, help="End every session of yours but this one; needs a fresh step-up."
)
@session_options
@admin_options
def my_sessions(
    end_id: str | None,
    end_others: bool,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Your own live sessions, this one marked (GET /api/v1/sessions); end one, or all the others.

    Ending needs `sls stepup --purpose change_security` within 5 minutes (SLS_STEPUP_VALIDITY), else 401
    reauth_required: --end SESSION_ID is DELETE /api/v1/sessions/<session_id>, --end-others is POST
    /api/v1/sessions/end-others. The sessions ended are dead at once; this one lives on. With the default
    SLS_SESSION_CONCURRENCY=replace a user has one session; `allow` keeps every login's.

    \b
    Examples:
      sls my-sessions --user card-carl
      sls stepup --purpose change_security --auto && sls my-sessions --end-others
      sls my-sessions --end card-carl~3f9a0c1d2e4b    # an id as the list prints it, or its first 12 digits
    """
    if end_id is not None and end_others:
        raise click.UsageError("give --end SESSION_ID or --end-others, not both")
    _, _, api = session_client(url, admin_token, username, token)
    with server_errors():
        if end_id is not None:
            result = api.request("DELETE", f"/api/v1/sessions/{segment(end_id)}")
        elif end_others:
            result = api.request("POST", "/api/v1/sessions/end-others")
        else:
            result = api.request("GET", "/api/v1/sessions")
    if as_json:
        print_json(result)
    elif "ended" in result:
        ended = result.get("ended") or []
        click.echo(f"ended {len(ended)} session(s)" + "".join(f"\n  {sid}" for sid in ended))
    else:
        sessions = result.get("sessions") or []
        owner = sessions[0].get("username") if sessions else None
        print_renderable(
            sessions_table(f"your live sessions ({owner})" if owner else "your live sessions", sessions)
        )


@click.command("logout")
@session_options
@admin_options
def logout(
    username: str | None, token: str | None, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """End the session: the token is dead at once (POST /api/v1/auth/logout).

    \b
    Example:
      sls logout
    """
    admin, name, api = session_client(url, admin_token, username, token)
    with server_errors():
        result = api.request("POST", "/api/v1/auth/logout")
    login_state.remember(admin.url, str(result.get("username") or name), session=None)
    if as_json:
        print_json(result)
    else:
        click.echo(f"logged out {result.get('username')}")

"""``sls gateway-state``: look at and stage a running gateway's session (``/admin/v1/gateway``), and read
the code its 2FA hook would hand out (``/sim/v1/outbox/latest-code``).

Against a ``sls gateway --tls`` server, trust its certificate as any Python client does:
``SSL_CERT_FILE=<data dir>/gateway-tls/cert.pem``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..shapes.daily_reset import parse_daily_reset
from ..web.wording import gateway_ending
from . import demofile, gateway_file
from .admin_commands import DEFAULT_URL, admin_options, connect, url_option, when
from .output import EXIT_USAGE, CliError, HelpGroup, fields_table, print_json, print_renderable
from .server_errors import server_errors
from .sim_access import sim_client, sim_token_option

#: A 404 ``not_found`` from any of these routes: the server has no gateway (``server_errors``' no_route).
NOT_A_GATEWAY = (
    "the server at {url} is not in gateway mode: `sls gateway` serves one, on port 5000 by default "
    "(--url http://127.0.0.1:5000), and sls demo or sls serve started with SLS_GATEWAY=True serve one too"
)

#: How to start a gateway, for when none answers.
START_ONE = "start one with `sls gateway`, or sls demo or sls serve with SLS_GATEWAY=True"
#: Nothing answers at --url (or SLS_URL).
NO_GATEWAY_AT = "no gateway at {url} ({reason}): " + START_ONE
#: No --url, no gateway running on the data folder, and nothing at the fallback (a demo's url or the default).
NO_GATEWAY_FOR = (
    "no gateway is running for the data folder {data_dir} (its gateway.json is absent or stale), and no "
    "server answers at {{url}} ({{reason}}): " + START_ONE + " (or pass --url)"
)
#: Where these commands go without --url (``_gateway``, then ``connect``): the running gateway first.
GATEWAY_URL_HELP = (
    "Server to talk to.  [default: the gateway running on the data folder (its <data dir>/gateway.json), "
    f"else the newer of demo.json's url and a running `sls serve`'s (serve.json), else {DEFAULT_URL}]"
)

F = TypeVar("F", bound=Callable[..., Any])


def gateway_options(func: F) -> F:
    """``admin_options``, with --url's help saying where these commands go without it."""
    return admin_options(func, url_help=GATEWAY_URL_HELP)


@click.group("gateway-state", cls=HelpGroup)
def gateway_state() -> None:
    """Look at and stage the gateway's session (a server started with `sls gateway`).

    Without --url (or SLS_URL), the gateway running on the data folder is found through the
    <data dir>/gateway.json it writes while it runs: beside `sls demo`, the gateway, not the demo. With
    several running there, the newest; a note on stderr names it and the others (--url picks one).

    \b
    Examples:
      sls gateway-state status --url http://127.0.0.1:5000
      sls gateway-state drop        # brokerage session down, SSO valid: clients reauthenticate
      sls gateway-state disconnect  # connection to the brokerage lost, SSO valid: the same
      sls gateway-state compete     # another platform's session competes
      sls gateway-state expire      # SSO session over: clients log in through the page again
      sls gateway-state daily-reset 23:45
    """


def show(state: dict[str, Any], title: str, as_json: bool) -> None:
    """The gateway's state as a table (every field a bot developer stages against: when SSO ends, the next
    daily reset), or as the server's JSON."""
    if as_json:
        print_json(state)
        return
    session = state.get("session")
    rows: dict[str, Any] = {
        "profile": state.get("profile"),
        "notification step": state.get("notification_step"),
        "daily reset": state.get("daily_reset") or "-",
    }
    if session is None:
        ended = state.get("ended")  # why, while that is news: the 401's reason and cause, in words
        last = f" — the last one ended: {gateway_ending(ended)}" if ended else ""
        rows["session"] = (
            f"none{last}; log in through /sso/Login" if last else "none: log in through /sso/Login"
        )
    else:
        rows.update(
            {
                "user": session.get("username"),
                "mode": "paper" if session.get("paper") else "live",
                "established": when(session.get("established_at")),
                "authenticated": session.get("authenticated"),
                "connected": session.get("connected"),
                "competing": session.get("competing"),
                "SSO ends": when(session.get("sso_expires_at")),
                "next daily reset": when(session.get("daily_reset_at")),
            }
        )
    rows["processes"] = processes(state.get("processes"))
    print_renderable(fields_table(title, rows))


def processes(found: list[dict[str, Any]] | None) -> str:
    """The processes serving the instance, one a line: where, which master, since when, and how long ago
    its lease was renewed and how long it has left (a dead process's runs out: the operator sees it)."""
    if not found:
        return "none holds a lease (a start of sls gateway ends the session)"
    return "\n".join(
        f"{each.get('host')}:{each.get('port')} (pid {each.get('pid')}, since {when(each.get('since'))}"
        f"{lease_words(each)})"
        for each in found
    )


def lease_words(process: dict[str, Any]) -> str:
    """``, lease renewed 2.4 s ago, 7.6 s left``; nothing from a server that does not say."""
    age, left = process.get("lease_age_ms"), process.get("lease_left_ms")
    if not isinstance(age, int) or not isinstance(left, int):
        return ""
    return f", lease renewed {age / 1000:.1f} s ago, {left / 1000:.1f} s left"


def staged(state: dict[str, Any], title: str, nothing: str) -> str:
    """The table's title after a drop, a disconnection, a competing session or an expiry: the server answers
    200 with ``session`` null when there was no gateway session, and a title saying it was done would then be
    false."""
    return title if state.get("session") is not None else f"no gateway session: {nothing}"


def _gateway(url: str | None) -> str | None:
    """``--url`` (or SLS_URL), else the gateway running on the data folder (``<data dir>/gateway.json``),
    else what every command falls back to: beside a demo, that is the demo, which has no gateway."""
    return url or gateway_file.gateway_url()


def _no_gateway(url: str | None) -> str:
    """What to say when nothing answers: at the URL asked for, or that the data folder has no gateway (the
    command then tried what every command falls back to, which is no gateway's address: say so first)."""
    if url or gateway_file.gateway_url():
        return NO_GATEWAY_AT
    folder = str(demofile.data_dir_from_env()).replace("{", "{{").replace("}", "}}")  # formatted once more
    return NO_GATEWAY_FOR.format(data_dir=folder)


def _call(url: str | None, admin_token: str | None, method: str, path: str, body: Any = None) -> Any:
    client = connect(_gateway(url), admin_token)
    with server_errors(NOT_A_GATEWAY.format(url=client.url), _no_gateway(url)):
        return client.request(method, path, body)


@gateway_state.command("status")
@gateway_options
def status(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Show the gateway's session and behaviour (GET /admin/v1/gateway).

    \b
    Example:
      sls gateway-state status --url http://127.0.0.1:5000
    """
    show(_call(url, admin_token, "GET", "/admin/v1/gateway"), "gateway", as_json)


@gateway_state.command("drop")
@gateway_options
def drop(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Drop the brokerage session; SSO stays valid (POST /admin/v1/gateway/drop).

    \b
    Example:
      sls gateway-state drop    # then: POST /v1/api/iserver/reauthenticate heals it
    """
    state = _call(url, admin_token, "POST", "/admin/v1/gateway/drop")
    show(state, staged(state, "brokerage session dropped", "no drop to stage"), as_json)


@gateway_state.command("disconnect")
@gateway_options
def disconnect(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Disconnect the gateway from the brokerage; SSO stays valid (POST /admin/v1/gateway/disconnect).

    \b
    Example:
      sls gateway-state disconnect  # connected false; POST /v1/api/iserver/reauthenticate heals it
    """
    state = _call(url, admin_token, "POST", "/admin/v1/gateway/disconnect")
    show(
        state, staged(state, "gateway disconnected from the brokerage", "no disconnection to stage"), as_json
    )


@gateway_state.command("compete")
@gateway_options
def compete(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Stage a competing session from another platform (POST /admin/v1/gateway/compete).

    \b
    Example:
      sls gateway-state compete
    """
    state = _call(url, admin_token, "POST", "/admin/v1/gateway/compete")
    show(state, staged(state, "competing session", "no competing session to stage"), as_json)


@gateway_state.command("expire")
@gateway_options
def expire(url: str | None, admin_token: str | None, as_json: bool) -> None:
    """End the SSO session now (POST /admin/v1/gateway/expire).

    \b
    Example:
      sls gateway-state expire  # the tool must log in through /sso/Login again
    """
    # the answer's session is null after an expiry and when there was none: looked at first, to say which
    before = _call(url, admin_token, "GET", "/admin/v1/gateway")
    state = _call(url, admin_token, "POST", "/admin/v1/gateway/expire")
    show(state, staged(before, "SSO session expired", "no SSO session to expire"), as_json)


@gateway_state.command("daily-reset")
@click.argument("at", metavar="HH:MM|off")
@gateway_options
def daily_reset(at: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Set the daily reset's time, UTC on the server's clock, or `off` (PUT /admin/v1/gateway/daily-reset).

    \b
    Examples:
      sls gateway-state daily-reset 23:45
      sls gateway-state daily-reset off
    """
    try:
        body = {"at": parse_daily_reset(at)}  # the setting's and the API's rule, refused before any request
    except ValueError as exc:
        raise CliError(f"AT {exc}", EXIT_USAGE) from None
    show(_call(url, admin_token, "PUT", "/admin/v1/gateway/daily-reset", body), "daily reset set", as_json)


@gateway_state.command("latest-code")
@click.option("--user", "username", required=True, help="Whose phone to read.")
@click.option("--wait", type=click.IntRange(0, 30), default=0, show_default=True, help="Seconds to wait.")
@click.option(
    "--factor",
    type=click.Choice(["phone", "app"]),
    help="The phone's texts and calls, or the authenticator app's code.  [default: what the user's pending "
    "login asks for; with none, the phone if the user has a number]",
)
@url_option(GATEWAY_URL_HELP)
@sim_token_option
@click.option("--json", "as_json", is_flag=True, help='Print {"code": ...} instead of the digits.')
def latest_code(
    username: str, wait: int, factor: str | None, url: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Print the code the gateway's 2FA hook hands out (GET /sim/v1/outbox/latest-code), digits only:
    the phone's newest, or what the user's authenticator app shows at the server's clock.

    \b
    Example:
      sls gateway-state latest-code --user sam --wait 20
      sls gateway-state latest-code --user tina --factor app
    """
    client = sim_client(_gateway(url), sim_token)
    client.timeout_s = max(client.timeout_s, wait + 10.0)
    query = {"user": username, "wait": str(wait)}
    if factor is not None:
        query["factor"] = factor
    with server_errors(NOT_A_GATEWAY.format(url=client.url), _no_gateway(url)):
        code = client.fetch("GET", "/sim/v1/outbox/latest-code", query=query)
    if as_json:
        print_json({"code": code.decode()})
    else:
        click.echo(code.decode())

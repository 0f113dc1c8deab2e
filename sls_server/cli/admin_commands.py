"""What every command that talks to a server shares: ``--url``/``--admin-token``/``--json``, finding the
server (options, environment, ``demo.json``) and the token to send it, printing records, and the
``user`` and ``device`` groups the ``*_commands`` modules add their commands to.

The commands themselves live by group: ``user_commands`` (users), ``device_commands`` (enrol, list, revoke),
``device_state`` (unlock, reset, the card and TOTP app), ``ibkey_commands`` (the IB Key app answering a
login) and ``ibkey_setup_commands`` (activating it, its settings), ``protect_commands`` (lockout, allowlists),
``account_commands``, ``control_commands`` (events, sessions, reset), ``login_commands`` and
``session_commands`` (the user's side of ``/api/v1``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import ADMIN_TOKEN_FILE
from ..reach import url_problem
from . import demofile, gateway_file, listen_file, recorded_process
from .admin_client import AdminClient
from .output import (
    EXIT_USAGE,
    CliError,
    HelpGroup,
    fields_table,
    mask_url,
    print_json,
    print_renderable,
    table,
)
from .server_errors import GIVEN_TOKEN, server_errors

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_URL = "http://127.0.0.1:8000"


def bearer(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A token option (or its SLS_* variable) as given, if an HTTP header can carry it: a line break or a
    character outside Latin-1 (a copy from a rich-text page) is a usage error, not urllib's traceback. The
    message never shows the token."""
    if value is None:
        return None
    try:
        value.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise click.BadParameter(f"it has {value[exc.start]!r}, which an HTTP header cannot carry") from None
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise click.BadParameter("it has a line break or another control character: a token is one line")
    return value


def token_option(flag: str, envvar: str, help_text: str) -> Callable[[F], F]:
    """A token option (or its SLS_* variable) sent as a bearer token, checked by ``bearer``: how each token a
    command sends is declared (the admin's, the simulators', a session's, /metrics'), so none of them skips
    the check or shows its variable differently."""
    return click.option(
        flag, envvar=envvar, show_envvar=True, metavar="TOKEN", callback=bearer, help=help_text
    )


def admin_token_option(help_text: str) -> Callable[[F], F]:
    """``--admin-token`` (or ``SLS_ADMIN_TOKEN``), read as a bearer token: one declaration, every command."""
    return token_option("--admin-token", "SLS_ADMIN_TOKEN", help_text)


#: Where ``connect`` finds the server without --url (``found_server``): ``--url``'s help says it.
FOUND_FROM = "the newer of demo.json's url and a running `sls serve`'s (serve.json), else a running gateway's"
URL_HELP = f"Server to talk to.  [default: {FOUND_FROM}, else {DEFAULT_URL}]"


def url_option(help_text: str = URL_HELP) -> Callable[[F], F]:
    """``--url`` (or ``SLS_URL``), the server a command talks to: the admin commands', the simulators' and
    the gateway's, one variable for all; ``help_text`` says where a command goes without it."""
    return click.option("--url", envvar="SLS_URL", show_envvar=True, metavar="URL", help=help_text)


#: ``--json`` of a command that prints what the server answered (its tables otherwise).
server_json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print the server's JSON instead of tables."
)


def admin_options(func: F, *, url_help: str = URL_HELP) -> F:
    """--url, --admin-token and --json on every command that talks to a server (``url_help``: where a
    command that finds its server otherwise than ``connect`` does goes without --url)."""
    func = server_json_option(func)
    func = admin_token_option(
        "Bearer token of /admin/v1.  [default: demo.json's, else <data dir>/admin.token]"
    )(func)
    return url_option(url_help)(func)


@dataclasses.dataclass(frozen=True)
class Found:
    """A server the data folder names: its URL, and the file that named it."""

    url: str
    record: Path


def found_server(data_dir: Path) -> Found | None:
    """Where the commands go without --url: of demo.json's demo and a ``sls serve`` still running on the
    folder (its serve.json), the one started last (demo.json stays when its demo stops, and neither it nor
    a serve.json whose process is gone is trusted); else a gateway running alone on the folder (its
    gateway.json). None: the folder names no server."""
    demo = demofile.read(data_dir) or {}
    if recorded_process.gone(demo):
        demo = {}
    serving = listen_file.newest(data_dir, listen_file.SERVE_FILE, "`sls serve` servers")
    created = demo.get("created_at")
    if serving and not (
        demo.get("url") and isinstance(created, int | float) and created > serving["started_at"]
    ):
        return Found(serving["url"], data_dir / listen_file.SERVE_FILE)
    if demo.get("url"):
        return Found(str(demo["url"]), demofile.path(data_dir))
    gateway = gateway_file.gateway_url(data_dir)
    return Found(gateway, data_dir / gateway_file.GATEWAY_FILE) if gateway else None


def connect(url: str | None, token: str | None) -> AdminClient:
    """The server and token: the options (or SLS_URL / SLS_ADMIN_TOKEN), then the server the data folder
    names (``found_server``), then the defaults. Without a token given, the folder's goes to a server the
    folder names, never elsewhere (:func:`folder_token`)."""
    data_dir = demofile.data_dir_from_env()
    found = None if url else found_server(data_dir)
    if url:
        url = server_url(url, "--url (or SLS_URL)")
    elif found:
        url = server_url(found.url, f"the url of {found.record}")
    else:
        url = DEFAULT_URL
    source = GIVEN_TOKEN if token else None
    if not token:
        token, source = folder_token(
            data_dir, url, serving=bool(found and found.record.name == listen_file.SERVE_FILE)
        )
    return AdminClient(url, token, token_source=source)


def folder_token(data_dir: Path, url: str, *, serving: bool = False) -> tuple[str | None, str | None]:
    """The data folder's admin token for the server at ``url``, and the file it came from: demo.json's when
    that server is its demo (``demofile.naming``: its address, running), the
    folder's ``admin.token`` when it is a ``sls serve`` or gateway the folder lists as running
    there (``listen_file.naming``); ``serving``: ``found_server`` picked a ``sls serve``, so not demo.json's.
    Else none: a token sent wherever a command pointed took a stopped demo's to whatever answered at the
    default address (another user's server on a shared machine) and the folder's to any ``--url``. With no
    token, the file one was withheld from, if any: the server's refusal says why none was sent."""
    demo = None if serving else demofile.naming(url, data_dir)
    if demo and isinstance(demo.get("admin_token"), str) and demo["admin_token"]:
        return demo["admin_token"], str(demofile.path(data_dir))
    token = None
    with contextlib.suppress(OSError):
        token = (data_dir / ADMIN_TOKEN_FILE).read_text().strip() or None
    lists = (listen_file.SERVE_FILE, gateway_file.GATEWAY_FILE)
    if token and any(listen_file.naming(data_dir, name, url) for name in lists):
        return token, str(data_dir / ADMIN_TOKEN_FILE)
    if token:
        return None, str(data_dir / ADMIN_TOKEN_FILE)
    return None, str(demofile.path(data_dir)) if (demofile.read(data_dir) or {}).get("admin_token") else None


def server_url(url: str, source: str) -> str:
    """``url`` if a request can be sent to it, else a usage error (exit 2) naming it and where it came from
    (``source``): a typo in --url, SLS_URL or demo.json is no server's fault, and never a traceback. The
    judgement is ``reach.url_problem``'s, which the pytest plugin's ``--sls-server`` shares."""
    problem = url_problem(url)
    if problem:
        try:
            shown = mask_url(url) or url  # a password is refused, whatever else is wrong: never printed
        except ValueError:  # a port that is none
            shown = url
        raise CliError(f"{source}: {shown!r} is not a server's URL like {DEFAULT_URL}: {problem}", EXIT_USAGE)
    return url


def call(
    url: str | None,
    token: str | None,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One admin call, its errors told in one line."""
    client = connect(url, token)
    with server_errors():
        return client.request(method, path, body, query)


def show_record(result: dict[str, Any], title: str, as_json: bool) -> None:
    """The server's JSON with --json, else the record as a table with readable times."""
    if as_json:
        print_json(result)
    else:
        print_renderable(fields_table(title, readable(result)))


def readable(record: dict[str, Any]) -> dict[str, Any]:
    """A record for a table: times as dates."""
    return {key: when(value) if key.endswith("_at") else value for key, value in record.items()}


def when(at: Any, *, short: bool = False) -> str:
    if not isinstance(at, int):
        return "-"
    moment = datetime.fromtimestamp(at, UTC)
    if short:
        return moment.strftime("%Y-%m-%d %H:%M")
    return f"{moment.strftime('%Y-%m-%d %H:%M:%S')} UTC ({at})"


def sessions_table(title: str, sessions: list[dict[str, Any]]) -> Any:
    """Live sessions as the admin's list and the user's own print them; a "this" column when the rows say
    which one is asking (``current``, in the user's own list)."""
    mark = any("current" in s for s in sessions)
    times = ["authenticated (UTC)", "last seen (UTC)", "idle ends (UTC)", "ends (UTC)"]
    columns = ([""] if mark else []) + ["id", "ip", "factor", *times]
    rows = [
        (["this" if s.get("current") else ""] if mark else [])
        + [s.get("id"), s.get("ip"), s.get("factor")]
        + [
            when(s.get(k), short=True)
            for k in ("authenticated_at", "last_seen_at", "idle_expires_at", "expires_at")
        ]
        for s in sessions
    ]
    return table(title, columns, rows)


# --- the groups ----------------------------------------------------------------------------------------


@click.group(cls=HelpGroup)
def user() -> None:
    """Users of a running server: create, list, show, delete; phone, lockout, allowlist (admin API).

    \b
    Examples:
      sls user add carol --password 'plum-sketch-harbour-9' --phone +15551234567
      sls user show carol
    """


@click.group(cls=HelpGroup)
def device() -> None:
    """Authenticators: enrol, list, revoke, unlock and reset them (admin API); work the simulated card, IB Key
    app and TOTP app (/sim/v1); compute a card's response offline.

    \b
    Examples:
      sls device enroll carol --type dscplus --pin 2468
      sls device list carol
    """

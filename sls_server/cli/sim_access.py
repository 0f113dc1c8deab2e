"""How the simulator commands (``sls phone ...``, ``sls device activate|notifications|approve|card-respond|
totp-code ...``) reach ``/sim/v1``: the server's URL as the admin commands find it, and the sim token when the
server has one.

The admin token is never sent there: the simulated phone holds no admin token, and a trainer's sim token is
a different secret (``SLS_SIM_TOKEN``). Where the token comes from, first found wins: ``--sim-token``,
``$SLS_SIM_TOKEN``, the ``sim_token`` of ``demo.json`` (written by an ``sls demo`` started with one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import demofile
from .admin_client import AdminClient
from .admin_commands import connect, server_json_option, token_option, url_option
from .server_errors import server_errors

F = TypeVar("F", bound=Callable[..., Any])


def sim_token_option(func: F) -> F:
    return token_option(
        "--sim-token",
        "SLS_SIM_TOKEN",
        "Bearer token of /sim/v1, when the server sets SLS_SIM_TOKEN.  [default: demo.json's]",
    )(func)


def sim_options(func: F) -> F:
    """--url, --sim-token and --json; the /sim routes need no admin token."""
    return url_option()(sim_token_option(server_json_option(func)))


def sim_client(url: str | None, sim_token: str | None) -> AdminClient:
    """The server (as ``connect`` finds it) with the sim token given, or demo.json's when the server is its
    demo; demo.json's withheld from another server is named as the token's source, so a refusal says why
    none was sent."""
    client = connect(url, None)
    client.token = sim_token or demofile.sim_token(client.url)
    withheld = not client.token and (demofile.read() or {}).get("sim_token")
    client.token_source = str(demofile.path()) if withheld else None
    return client


def sim_call(
    url: str | None, sim_token: str | None, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One /sim/v1 call, its errors told in one line."""
    with server_errors():
        return sim_client(url, sim_token).request(method, path, body)

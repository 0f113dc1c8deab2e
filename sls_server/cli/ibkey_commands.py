"""``sls device activate|notifications|approve|deny|ibkey-respond``: the IBKR Mobile app on a simulated phone,
driven over HTTP through ``/sim/v1/ibkey`` (no admin token: holding the phone is the test; the sim token
when the server asks for one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import click

from .admin_commands import device, readable, server_errors, when
from .output import EXIT_USAGE, CliError, fields_table, print_json, print_renderable, table
from .sim_access import sim_client, sim_token_option

F = TypeVar("F", bound=Callable[..., Any])


def sim_options(func: F) -> F:
    """--url, --sim-token and --json; the /sim routes need no admin token."""
    func = click.option("--json", "as_json", is_flag=True, help="Print the server's JSON instead of tables.")(
        func
    )
    func = sim_token_option(func)
    return click.option(
        "--url",
        envvar="SLS_URL",
        show_envvar=True,
        metavar="URL",
        help="Server to talk to (default: the demo's).",
    )(func)


def unlock_options(func: F) -> F:
    func = click.option("--biometric", is_flag=True, help="iOS: confirm with Touch ID / Face ID.")(func)
    return click.option("--pin", metavar="PIN", help="Android: the app's PIN.")(func)


def _unlock(pin: str | None, biometric: bool) -> dict[str, Any]:
    if (pin is None) == (not biometric):
        raise CliError(
            "--pin or --biometric: give exactly one (Android uses a PIN, iOS biometrics)", EXIT_USAGE
        )
    return {"pin": pin} if pin is not None else {"biometric": True}


def _call(
    url: str | None, sim_token: str | None, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    with server_errors():
        return sim_client(url, sim_token).request(method, path, body)


def _app(device_id: str, tail: str = "") -> str:
    return f"/sim/v1/ibkey/{quote(device_id, safe='')}{tail}"


def _show(result: dict[str, Any], title: str, as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        print_renderable(fields_table(title, readable(result)))


@device.command("activate")
@click.argument("device_id")
@click.option("--username", required=True, help="The user activating IB Key on this phone.")
@click.option("--password", required=True, help="That user's password.")
@click.option("--code", required=True, metavar="CODE", help="The activation code texted to the user's phone.")
@unlock_options
@sim_options
def activate(
    device_id: str,
    username: str,
    password: str,
    code: str,
    pin: str | None,
    biometric: bool,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Activate IB Key on a simulated phone (POST /sim/v1/ibkey/<id>/activate).

    Android sets (or, adding a user, enters) the app's PIN; iOS confirms with biometrics.

    \b
    Examples:
      sls device activate ibkey-0a1b2c3d4e5f --username alice --password '...' --code 12345678 --pin 12ab
      sls device activate ibkey-0a1b2c3d4e5f --username bob --password '...' --code 87654321 --biometric
    """
    body = {"username": username, "password": password, "activation_code": code, **_unlock(pin, biometric)}
    _show(
        _call(url, sim_token, "POST", _app(device_id, "/activate"), body),
        f"IB Key active on {device_id}",
        as_json,
    )


@device.command("notifications")
@click.argument("device_id")
@sim_options
def notifications(device_id: str, url: str | None, sim_token: str | None, as_json: bool) -> None:
    """List the pushes waiting on a simulated phone (GET /sim/v1/ibkey/<id>/notifications).

    \b
    Example:
      sls device notifications ibkey-0a1b2c3d4e5f
    """
    result = _call(url, sim_token, "GET", _app(device_id, "/notifications"))
    if as_json:
        print_json(result)
        return
    rows = [
        [n["id"], n["username"], n["purpose"], " ".join(n["candidates"]), when(n["expires_at"], short=True)]
        for n in result.get("notifications", [])
    ]
    columns = ["notification", "user", "purpose", "pick one of", "expires (UTC)"]
    print_renderable(table(f"notifications on {device_id}", columns, rows))


@device.command("approve")
@click.argument("device_id")
@click.argument("notification_id")
@click.option("--match", required=True, metavar="N", help="The number the login page shows.")
@unlock_options
@sim_options
def approve(
    device_id: str,
    notification_id: str,
    match: str,
    pin: str | None,
    biometric: bool,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Approve a push, picking the number shown at login (POST .../notifications/<id>/approve).

    \b
    Example:
      sls device approve ibkey-0a1b2c3d4e5f 9f8e7d6c5b4a3210 --match 42 --pin 12ab
    """
    body = {"match": match, **_unlock(pin, biometric)}
    path = _app(device_id, f"/notifications/{quote(notification_id, safe='')}/approve")
    _show(_call(url, sim_token, "POST", path, body), f"notification {notification_id}", as_json)


@device.command("deny")
@click.argument("device_id")
@click.argument("notification_id")
@unlock_options
@sim_options
def deny(
    device_id: str,
    notification_id: str,
    pin: str | None,
    biometric: bool,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Deny a push: the login fails (POST .../notifications/<id>/deny).

    \b
    Example:
      sls device deny ibkey-0a1b2c3d4e5f 9f8e7d6c5b4a3210 --biometric
    """
    path = _app(device_id, f"/notifications/{quote(notification_id, safe='')}/deny")
    _show(
        _call(url, sim_token, "POST", path, _unlock(pin, biometric)),
        f"notification {notification_id}",
        as_json,
    )


@device.command("ibkey-respond")
@click.argument("device_id")
@click.option("--challenge", required=True, metavar="DIGITS", help="The 6-digit challenge the login shows.")
@click.option("--username", help="Which user, when several are activated on the phone.")
@unlock_options
@sim_options
def ibkey_respond(
    device_id: str,
    challenge: str,
    username: str | None,
    pin: str | None,
    biometric: bool,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """The app's response to a challenge, when push is unavailable (POST /sim/v1/ibkey/<id>/respond).

    \b
    Example:
      sls device ibkey-respond ibkey-0a1b2c3d4e5f --challenge 123456 --pin 12ab
    """
    body: dict[str, Any] = {"challenge": challenge, **_unlock(pin, biometric)}
    if username:
        body["username"] = username
    result = _call(url, sim_token, "POST", _app(device_id, "/respond"), body)
    if as_json:
        print_json(result)
    else:
        click.echo(result["response"])

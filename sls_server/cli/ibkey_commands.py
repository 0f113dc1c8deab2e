"""``sls device notifications|approve|deny|ibkey-respond``: the IBKR Mobile app on a simulated phone answering
a login or step-up (a push approved or denied, a challenge answered), driven over HTTP through
``/sim/v1/ibkey`` (no admin token: holding the phone is the test; the sim token when the server asks).

Also what every IB Key app command shares (``ibkey_setup_commands`` too): the app's paths and its unlock
options.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .admin_client import segment
from .admin_commands import device, show_record, when
from .output import EXIT_USAGE, CliError, print_json, print_renderable, print_response, table
from .sim_access import sim_call, sim_options

F = TypeVar("F", bound=Callable[..., Any])


def unlock_options(func: F) -> F:
    func = click.option(
        "--passcode",
        metavar="DIGITS",
        help="iOS without Touch ID / Face ID set up: the iPhone's passcode, which IB Key asks for instead.",
    )(func)
    func = click.option("--biometric", is_flag=True, help="iOS: confirm with Touch ID / Face ID.")(func)
    return click.option("--pin", metavar="PIN", help="Android: the app's PIN.")(func)


def unlock_body(pin: str | None, biometric: bool, passcode: str | None = None) -> dict[str, Any]:
    given = {"pin": pin, "biometric": True if biometric else None, "passcode": passcode}
    chosen = {k: v for k, v in given.items() if v is not None}
    if len(chosen) != 1:
        raise CliError(
            "--pin or --biometric: give exactly one (Android uses a PIN, iOS biometrics; --passcode instead, "
            "on an iPhone without Touch ID / Face ID set up)",
            EXIT_USAGE,
        )
    return chosen


def app_path(device_id: str, tail: str = "") -> str:
    return f"/sim/v1/ibkey/{segment(device_id)}{tail}"


@device.command("notifications")
@click.argument("device_id")
@sim_options
def notifications(device_id: str, url: str | None, sim_token: str | None, as_json: bool) -> None:
    """List the pushes waiting on a simulated phone (GET /sim/v1/ibkey/<device_id>/notifications).

    \b
    Example:
      sls device notifications ibkey-0a1b2c3d4e5f
    """
    result = sim_call(url, sim_token, "GET", app_path(device_id, "/notifications"))
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
    passcode: str | None,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Approve a push, picking the number shown at login.

    POST /sim/v1/ibkey/<device_id>/notifications/<notification_id>/approve

    \b
    Example:
      sls device approve ibkey-0a1b2c3d4e5f 9f8e7d6c5b4a3210 --match 42 --pin 12ab
    """
    body = {"match": match, **unlock_body(pin, biometric, passcode)}
    path = app_path(device_id, f"/notifications/{segment(notification_id)}/approve")
    show_record(sim_call(url, sim_token, "POST", path, body), f"notification {notification_id}", as_json)


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
    passcode: str | None,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Deny a push: the login fails.

    POST /sim/v1/ibkey/<device_id>/notifications/<notification_id>/deny

    \b
    Example:
      sls device deny ibkey-0a1b2c3d4e5f 9f8e7d6c5b4a3210 --biometric
    """
    path = app_path(device_id, f"/notifications/{segment(notification_id)}/deny")
    show_record(
        sim_call(url, sim_token, "POST", path, unlock_body(pin, biometric, passcode)),
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
    passcode: str | None,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """The app's response to a challenge, when push is unavailable (POST /sim/v1/ibkey/<device_id>/respond).

    \b
    Examples:
      sls device ibkey-respond ibkey-0a1b2c3d4e5f --challenge 123456 --pin 12ab
      sls device ibkey-respond ibkey-0a1b2c3d4e5f --challenge 123456 --passcode 482916   # iPhone, no Face ID
    """
    body: dict[str, Any] = {"challenge": challenge, **unlock_body(pin, biometric, passcode)}
    if username:
        body["username"] = username
    result = sim_call(url, sim_token, "POST", app_path(device_id, "/respond"), body)
    print_response(result, as_json)

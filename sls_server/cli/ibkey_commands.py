"""``sls device activate|notifications|approve|deny|ibkey-respond|ibkey-status|ibkey-settings|
ibkey-add-user|ibkey-migrate``: the IBKR Mobile app on a simulated phone, driven over HTTP through
``/sim/v1/ibkey`` (no admin token: holding the phone is the test; the sim token when the server asks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .admin_client import segment
from .admin_commands import device, readable, when
from .output import EXIT_USAGE, CliError, fields_table, print_json, print_renderable, print_response, table
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


def _unlock(pin: str | None, biometric: bool, passcode: str | None = None) -> dict[str, Any]:
    given = {"pin": pin, "biometric": True if biometric else None, "passcode": passcode}
    chosen = {k: v for k, v in given.items() if v is not None}
    if len(chosen) != 1:
        raise CliError(
            "--pin or --biometric: give exactly one (Android uses a PIN, iOS biometrics; --passcode instead, "
            "on an iPhone without Touch ID / Face ID set up)",
            EXIT_USAGE,
        )
    return chosen


def _app(device_id: str, tail: str = "") -> str:
    return f"/sim/v1/ibkey/{segment(device_id)}{tail}"


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
    passcode: str | None,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Activate IB Key on a simulated phone (POST /sim/v1/ibkey/<device_id>/activate).

    Android sets (or, adding a user, enters) the app's PIN; iOS confirms with biometrics, or with the
    iPhone's passcode where Touch ID / Face ID is not set up (a new iPhone keeps it as its passcode).

    \b
    Examples:
      sls device activate ibkey-0a1b2c3d4e5f --username alice --password '...' --code 12345678 --pin 12ab
      sls device activate ibkey-0a1b2c3d4e5f --username bob --password '...' --code 87654321 --biometric
      sls device activate ibkey-0a1b2c3d4e5f --username bob --password '...' --code 87654321 --passcode 482916
    """
    body = {
        "username": username,
        "password": password,
        "activation_code": code,
        **_unlock(pin, biometric, passcode),
    }
    _show(
        sim_call(url, sim_token, "POST", _app(device_id, "/activate"), body),
        f"IB Key active on {device_id}",
        as_json,
    )


@device.command("notifications")
@click.argument("device_id")
@sim_options
def notifications(device_id: str, url: str | None, sim_token: str | None, as_json: bool) -> None:
    """List the pushes waiting on a simulated phone (GET /sim/v1/ibkey/<device_id>/notifications).

    \b
    Example:
      sls device notifications ibkey-0a1b2c3d4e5f
    """
    result = sim_call(url, sim_token, "GET", _app(device_id, "/notifications"))
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
    body = {"match": match, **_unlock(pin, biometric, passcode)}
    path = _app(device_id, f"/notifications/{segment(notification_id)}/approve")
    _show(sim_call(url, sim_token, "POST", path, body), f"notification {notification_id}", as_json)


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
    path = _app(device_id, f"/notifications/{segment(notification_id)}/deny")
    _show(
        sim_call(url, sim_token, "POST", path, _unlock(pin, biometric, passcode)),
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
    Example:
      sls device ibkey-respond ibkey-0a1b2c3d4e5f --challenge 123456 --pin 12ab
      sls device ibkey-respond ibkey-0a1b2c3d4e5f --challenge 123456 --passcode 482916   # iPhone, no Face ID
    """
    body: dict[str, Any] = {"challenge": challenge, **_unlock(pin, biometric, passcode)}
    if username:
        body["username"] = username
    result = sim_call(url, sim_token, "POST", _app(device_id, "/respond"), body)
    print_response(result, as_json)


@device.command("ibkey-status")
@click.argument("device_id")
@sim_options
def ibkey_status(device_id: str, url: str | None, sim_token: str | None, as_json: bool) -> None:
    """What the IB Key app on a phone holds: platform, unlock, notifications, its users.

    GET /sim/v1/ibkey/<device_id>

    \b
    Example:
      sls device ibkey-status ibkey-0a1b2c3d4e5f
    """
    result = sim_call(url, sim_token, "GET", _app(device_id))
    if as_json:
        print_json(result)
        return
    shown = {k: v for k, v in result.items() if k not in ("users", "pending_users")}
    shown["users"] = [f"{u['username']} ({u['device_id']})" for u in result.get("users", [])]
    shown["pending"] = [f"{u['username']} ({u['device_id']})" for u in result.get("pending_users", [])]
    print_renderable(fields_table(f"IB Key app {result.get('app_id', device_id)}", shown))


@device.command("ibkey-settings")
@click.argument("device_id")
@click.option(
    "--notifications/--no-notifications",
    required=True,
    help="Push notifications on, or off (logins then show a challenge the app answers).",
)
@sim_options
def ibkey_settings(
    device_id: str, notifications: bool, url: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Switch the app's push notifications on or off (PUT /sim/v1/ibkey/<device_id>/settings).

    \b
    Examples:
      sls device ibkey-settings ibkey-0a1b2c3d4e5f --no-notifications   # challenge/response from now on
      sls device ibkey-settings ibkey-0a1b2c3d4e5f --notifications
    """
    result = sim_call(url, sim_token, "PUT", _app(device_id, "/settings"), {"notifications": notifications})
    if as_json:
        print_json(result)
    else:
        state = "on" if result.get("notifications") else "off: logins show a challenge instead"
        click.echo(f"notifications on {result.get('app_id', device_id)}: {state}")


@device.command("ibkey-add-user")
@click.argument("device_id")
@click.option("--username", required=True, help="The user to add to this phone's app.")
@click.option("--password", required=True, help="That user's password.")
@sim_options
def ibkey_add_user(
    device_id: str, username: str, password: str, url: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Add User: one phone serving another user; their activation code is texted to them.

    POST /sim/v1/ibkey/<device_id>/users. Finish with `sls device activate <device_id> --username <user>
    --password ... --code <code>` and the phone's PIN (Android) or --biometric (iOS).

    \b
    Example:
      sls device ibkey-add-user ibkey-0a1b2c3d4e5f --username dave --password 'quartz-meadow-lantern-3'
    """
    body = {"username": username, "password": password}
    result = sim_call(url, sim_token, "POST", _app(device_id, "/users"), body)
    _show(result, f"{username} added to {result.get('app_id', device_id)}", as_json)


@device.command("ibkey-migrate")
@click.option("--username", required=True, help="The user moving IB Key to this new phone.")
@click.option("--password", required=True, help="That user's password.")
@click.option("--platform", type=click.Choice(["android", "ios"]), required=True, help="The new phone's.")
@click.option("--handset", metavar="+E164", help="The new phone's own number, if it has one.")
@sim_options
def ibkey_migrate(
    username: str,
    password: str,
    platform: str,
    handset: str | None,
    url: str | None,
    sim_token: str | None,
    as_json: bool,
) -> None:
    """Migrate IB Key, done on the new phone (POST /sim/v1/ibkey/migrate).

    The activation code is texted to the number the active IB Key was activated with; when a DSC+ card is
    active for the user, no text is sent: key the shown challenge into the card (`sls device card-respond`)
    and its response is the code. Finish with `sls device activate <device_id> ... --code <code>`; the old
    phone stops at once.

    \b
    Example:
      sls device ibkey-migrate --username ann --password 'quartz-meadow-lantern-3' --platform ios
    """
    body: dict[str, Any] = {"username": username, "password": password, "platform": platform}
    if handset:
        body["handset"] = handset
    result = sim_call(url, sim_token, "POST", "/sim/v1/ibkey/migrate", body)
    how = "the card's response to the challenge" if result.get("activation") == "card" else "the texted code"
    _show(result, f"IB Key of {username} moving to a new phone: activate it with {how}", as_json)

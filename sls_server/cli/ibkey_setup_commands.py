"""``sls device activate|ibkey-add-user|ibkey-migrate|ibkey-status|ibkey-settings|ibkey-biometrics``: the
IBKR Mobile app set up on a simulated phone, through ``/sim/v1/ibkey``: activated (for a new user, a user
added to it, a migration from an old phone: each finished with an activation code), what it holds, and its
settings (push notifications; on an iPhone, Touch ID / Face ID set up or removed). Without Touch ID / Face
ID, IB Key asks for the iPhone's passcode (the seed: "If Touch ID has not been activated, IB Key will prompt
you to enter your smartphone's passcode"). Answering a login with the app is ``ibkey_commands``'.
"""

from __future__ import annotations

from typing import Any

import click

from .admin_commands import device, show_record
from .ibkey_commands import app_path, unlock_body, unlock_options
from .output import fields_table, print_json, print_renderable
from .reading import ask
from .sim_access import sim_call, sim_options


def _asked(username: str) -> str:
    """The user's password, typed hidden: not on the command line, where shell history and ``ps`` keep it."""
    return ask(f"Password for {username}", instead="give --password", hide_input=True)


@device.command("activate")
@click.argument("device_id")
@click.option("--username", required=True, help="The user activating IB Key on this phone.")
@click.option("--password", help="That user's password (asked for, hidden, when left out).")
@click.option("--code", required=True, metavar="CODE", help="The activation code texted to the user's phone.")
@unlock_options
@sim_options
def activate(
    device_id: str,
    username: str,
    password: str | None,
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
      sls device activate ibkey-0a1b2c3d4e5f --username alice --code 12345678 --pin 12ab
      sls device activate ibkey-0a1b2c3d4e5f --username bob --code 87654321 --biometric
      sls device activate ibkey-0a1b2c3d4e5f --username bob --code 87654321 --passcode 482916
    """
    body = {
        "username": username,
        "password": password or _asked(username),
        "activation_code": code,
        **unlock_body(pin, biometric, passcode),
    }
    show_record(
        sim_call(url, sim_token, "POST", app_path(device_id, "/activate"), body),
        f"IB Key active on {device_id}",
        as_json,
    )


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
    result = sim_call(url, sim_token, "GET", app_path(device_id))
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
    body = {"notifications": notifications}
    result = sim_call(url, sim_token, "PUT", app_path(device_id, "/settings"), body)
    if as_json:
        print_json(result)
    else:
        state = "on" if result.get("notifications") else "off: logins show a challenge instead"
        click.echo(f"notifications on {result.get('app_id', device_id)}: {state}")


@device.command("ibkey-add-user")
@click.argument("device_id")
@click.option("--username", required=True, help="The user to add to this phone's app.")
@click.option("--password", help="That user's password (asked for, hidden, when left out).")
@sim_options
def ibkey_add_user(
    device_id: str, username: str, password: str | None, url: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Add User: one phone serving another user; their activation code is texted to them.

    POST /sim/v1/ibkey/<device_id>/users. Finish with `sls device activate <device_id> --username <user>
    --code <code>` (it asks for the password) and the phone's PIN (Android) or --biometric (iOS).

    \b
    Example:
      sls device ibkey-add-user ibkey-0a1b2c3d4e5f --username dave   # asks for dave's password
    """
    body = {"username": username, "password": password or _asked(username)}
    result = sim_call(url, sim_token, "POST", app_path(device_id, "/users"), body)
    show_record(result, f"{username} added to {result.get('app_id', device_id)}", as_json)


@device.command("ibkey-migrate")
@click.option("--username", required=True, help="The user moving IB Key to this new phone.")
@click.option("--password", help="That user's password (asked for, hidden, when left out).")
@click.option("--platform", type=click.Choice(["android", "ios"]), required=True, help="The new phone's.")
@click.option("--handset", metavar="+E164", help="The new phone's own number, if it has one.")
@sim_options
def ibkey_migrate(
    username: str,
    password: str | None,
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
      sls device ibkey-migrate --username ann --platform ios   # asks for the password
    """
    body: dict[str, Any] = {
        "username": username,
        "password": password or _asked(username),
        "platform": platform,
    }
    if handset:
        body["handset"] = handset
    result = sim_call(url, sim_token, "POST", "/sim/v1/ibkey/migrate", body)
    how = "the card's response to the challenge" if result.get("activation") == "card" else "the texted code"
    show_record(result, f"IB Key of {username} moving to a new phone: activate it with {how}", as_json)


@device.command("ibkey-biometrics")
@click.argument("device_id")
@click.option(
    "--on/--off",
    "enabled",
    required=True,
    help="Touch ID / Face ID set up on the iPhone, or removed (IB Key then asks for the passcode).",
)
@click.option(
    "--passcode",
    required=True,
    metavar="DIGITS",
    help="The iPhone's passcode (4 or 6 digits), as iOS asks for it; the first one given becomes it.",
)
@sim_options
def ibkey_biometrics(
    device_id: str, enabled: bool, passcode: str, url: str | None, sim_token: str | None, as_json: bool
) -> None:
    """Set up or remove Touch ID / Face ID on a simulated iPhone (PUT /sim/v1/ibkey/<device_id>/biometrics).

    \b
    Examples:
      sls device ibkey-biometrics ibkey-0a1b2c3d4e5f --off --passcode 482916   # IB Key asks for it now
      sls device approve ibkey-0a1b2c3d4e5f <notification> --match 42 --passcode 482916
      sls device ibkey-biometrics ibkey-0a1b2c3d4e5f --on --passcode 482916
    """
    body = {"enabled": enabled, "passcode": passcode}
    result = sim_call(url, sim_token, "PUT", app_path(device_id, "/biometrics"), body)
    if as_json:
        print_json(result)
        return
    unlock = "Touch ID / Face ID" if result.get("unlock") == "biometric" else "the iPhone's passcode"
    click.echo(f"IB Key on {result.get('app_id', device_id)} now asks for {unlock}")

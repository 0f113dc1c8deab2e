"""``sls device ibkey-biometrics``: Touch ID / Face ID set up or removed on a simulated iPhone, through
``PUT /sim/v1/ibkey/<device_id>/biometrics``. Without them, IB Key asks for the iPhone's passcode (the seed:
"If Touch ID has not been activated, IB Key will prompt you to enter your smartphone's passcode")."""

from __future__ import annotations

import click

from .admin_commands import device
from .ibkey_commands import _app
from .output import print_json
from .sim_access import sim_call, sim_options


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
    result = sim_call(url, sim_token, "PUT", _app(device_id, "/biometrics"), body)
    if as_json:
        print_json(result)
        return
    unlock = "Touch ID / Face ID" if result.get("unlock") == "biometric" else "the iPhone's passcode"
    click.echo(f"IB Key on {result.get('app_id', device_id)} now asks for {unlock}")

"""``sls user add`` and ``sls device enroll|list|revoke``: a running server's admin API over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from ..runtime import ADMIN_TOKEN_FILE
from . import demofile
from .admin_client import AdminClient, ApiError, NoServer
from .output import (
    EXIT_USAGE,
    CliError,
    fields_table,
    print_json,
    print_renderable,
    table,
    warn,
)

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_URL = "http://127.0.0.1:8000"


def admin_options(func: F) -> F:
    """--url, --admin-token and --json on every command that talks to a server."""
    func = click.option("--json", "as_json", is_flag=True, help="Print the server's JSON instead of tables.")(
        func
    )
    func = click.option(
        "--admin-token",
        envvar="SLS_ADMIN_TOKEN",
        show_envvar=True,
        metavar="TOKEN",
        help="Bearer token of /admin/v1.  [default: demo.json's, else <data dir>/admin.token]",
    )(func)
    return click.option(
        "--url",
        envvar="SLS_URL",
        show_envvar=True,
        metavar="URL",
        help=f"Server to talk to.  [default: demo.json's url, else {DEFAULT_URL}]",
    )(func)


def connect(url: str | None, token: str | None) -> AdminClient:
    """The server and token: the options (or SLS_URL / SLS_ADMIN_TOKEN), then demo.json, then the defaults."""
    data_dir = demofile.data_dir_from_env()
    demo = demofile.read(data_dir) or {}
    url = url or demo.get("url") or DEFAULT_URL
    if not token:
        token = demo.get("admin_token")
    if not token:
        with contextlib.suppress(OSError):
            token = (data_dir / ADMIN_TOKEN_FILE).read_text().strip() or None
    return AdminClient(url, token)


@contextlib.contextmanager
def server_errors() -> Iterator[None]:
    """The server's error code and message in red, exit 1; no server at all, said plainly, exit 1."""
    try:
        yield
    except NoServer as exc:
        hint = "start one with `sls demo` or `sls serve`"
        raise CliError(f"no server at {exc.url} ({exc.reason}); {hint}") from None
    except ApiError as exc:
        hint = ""
        if exc.code == "admin_token_required":
            hint = " (pass --admin-token or set SLS_ADMIN_TOKEN; `sls demo` prints its token)"
        elif exc.code == "sim_token_required":
            hint = " (pass --sim-token or set SLS_SIM_TOKEN to the server's sim token)"
        extra = {k: v for k, v in exc.body.items() if k not in ("error", "message")}
        details = " (" + ", ".join(f"{k}={v}" for k, v in extra.items()) + ")" if extra else ""
        raise CliError(f"{exc.code}: {exc.message}{details}{hint}") from None


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


# --- users ---------------------------------------------------------------------------------------------


@click.group()
def user() -> None:
    """Users of a running server (admin API)."""


@user.command("add")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="The user's password; prompted for (twice, hidden) when not given.",
)
@click.option("--phone", metavar="+E164", help="Phone number for SMS and voice codes, e.g. +15551234567.")
@admin_options
def add_user(
    username: str, password: str, phone: str | None, url: str | None, admin_token: str | None, as_json: bool
) -> None:
    """Create a user (POST /admin/v1/users).

    \b
    Examples:
      sls user add carol                       # prompts for the password
      sls user add carol --password 'plum-sketch-harbour-9' --phone +15551234567
    """
    client = connect(url, admin_token)
    with server_errors():
        created = client.create_user(username, password, phone)
    if as_json:
        print_json(created)
        return
    print_renderable(
        fields_table(
            f"user {created.get('username', username)} created",
            {
                "username": created.get("username"),
                "phone": created.get("phone"),
                "created": when(created.get("created_at")),
                "devices": len(created.get("devices") or []),
            },
        )
    )


# --- devices -------------------------------------------------------------------------------------------


@click.group()
def device() -> None:
    """Authenticators: enrol, list and revoke on a running server; compute a card's response offline."""


@device.command("enroll")
@click.argument("username")
@click.option("--type", "type_", default="dscplus", show_default=True, help="Kind of authenticator.")
@click.option("--pin", help="The DSC+ card's 4-digit PIN (required for dscplus).")
@click.option("--platform", type=click.Choice(["android", "ios"]), help="ibkey: the smartphone's platform.")
@click.option("--days", type=int, help="temporary: days the passcode stays valid.")
@click.option("--share", "share_device_id", metavar="DEVICE_ID", help="dscplus: share an existing card.")
@click.option("--label", help="A name for the device, shown in login factor lists.")
@admin_options
def enroll(
    username: str,
    type_: str,
    pin: str | None,
    platform: str | None,
    days: int | None,
    share_device_id: str | None,
    label: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Enrol a device for a user and print its key (POST /admin/v1/users/<u>/devices).

    The card's key (secret_hex) is shown once, like a token import file: keep it to compute responses
    with `sls device respond`.

    \b
    Examples:
      sls device enroll alice --pin 1234
      sls device enroll alice --pin 1234 --label "desk card" --json
      sls device enroll bob --share dscplus-1d68b218dc44        # bob uses alice's card too
      sls device enroll alice --type ibkey --platform android  # activation code goes by SMS
      sls device enroll alice --type totp                      # prints the otpauth URI once
      sls device enroll alice --type sms                       # codes to the user's phone
      sls device enroll alice --type temporary --days 2        # for a lost device
    """
    if type_ == "dscplus" and pin is None and share_device_id is None:
        raise CliError("--pin: a DSC+ card needs its 4-digit PIN", EXIT_USAGE)
    if type_ == "ibkey" and platform is None:
        raise CliError("--platform: an IB Key needs android or ios", EXIT_USAGE)
    params: dict[str, Any] = {"type": type_}
    for key, value in (
        ("pin", pin),
        ("platform", platform),
        ("days", days),
        ("share_device_id", share_device_id),
        ("label", label),
    ):
        if value is not None:
            params[key] = value
    client = connect(url, admin_token)
    with server_errors():
        enrolled = client.enrol_device(username, params)
    if as_json:
        print_json(enrolled)
    else:
        first = ("device_id", "type", "serial", "suite", "secret_hex", "label", "status")
        shown = {k: enrolled[k] for k in first if k in enrolled}
        shown.update({k: v for k, v in enrolled.items() if k not in shown})
        print_renderable(fields_table(f"{type_} enrolled for {username}", readable(shown)))
    if "secret_hex" in enrolled:
        warn(
            "secret_hex is shown once and cannot be read back; store it now. Compute a response with: "
            "sls device respond --secret-hex <hex> --pin <pin> --challenge <6 digits>"
        )


@device.command("list")
@click.argument("username")
@admin_options
def list_devices(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """List a user's devices (GET /admin/v1/users/<u>/devices).

    \b
    Example:
      sls device list alice
    """
    client = connect(url, admin_token)
    with server_errors():
        devices = client.devices(username)
    if as_json:
        print_json({"devices": devices})
        return
    columns = ["device_id", "status", "serial", "created (UTC)", "label"]
    rows = [
        [
            d.get("device_id"),
            f"{d.get('status')}, card locked" if d.get("locked") else d.get("status"),
            d.get("serial"),
            when(d.get("created_at"), short=True),
            d.get("label"),
        ]
        for d in devices
    ]
    print_renderable(table(f"devices of {username}", columns, rows, wrap=["label"]))


@device.command("revoke")
@click.argument("username")
@click.argument("device_id")
@admin_options
def revoke(username: str, device_id: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Revoke one of a user's devices (DELETE /admin/v1/users/<u>/devices/<id>).

    \b
    Example:
      sls device revoke alice dscplus-0a1b2c3d4e5f
    """
    client = connect(url, admin_token)
    with server_errors():
        revoked = client.revoke_device(username, device_id)
    if as_json:
        print_json(revoked)
        return
    print_renderable(fields_table(f"device {device_id} of {username}", readable(revoked)))

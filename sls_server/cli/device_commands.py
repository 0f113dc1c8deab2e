"""``sls device enroll|list|revoke``: a user's authenticators, over the admin API.

Enrolment hands out secrets once (a card's key, a TOTP app's ``otpauth://`` URI, a temporary passcode): they
are printed whole on lines of their own, never in a table cell a narrow terminal could cut.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import click

from sls_devices.phone import mask_number

from .admin_client import AdminClient, ApiError, NoServer
from .admin_commands import admin_options, connect, device, readable, when
from .output import (
    EXIT_USAGE,
    CliError,
    fields_table,
    note,
    print_json,
    print_renderable,
    print_secrets,
    table,
    warn,
)
from .private_files import write_private
from .reading import OutputFile
from .server_errors import server_errors

#: The authenticator types the server enrols (``POST /admin/v1/users/<u>/devices``); a test checks them
#: against the server's own registry.
DEVICE_TYPES = ("dscplus", "ibkey", "sms", "voice", "totp", "temporary")
#: Returned once at enrolment: printed outside the table, whole.
ONCE = ("secret_hex", "otpauth_uri", "secret_b32", "passcode")
#: Options that only one type takes: (option, the type, the body field).
ONLY_FOR = (
    ("--pin", "dscplus", "pin"),
    ("--share", "dscplus", "share_device_id"),
    ("--platform", "ibkey", "platform"),
    ("--days", "temporary", "days"),
    ("--digits", "totp", "digits"),
    ("--algorithm", "totp", "algorithm"),
    ("--period", "totp", "period"),
)


def enrol_body(type_: str, label: str | None, given: dict[str, Any]) -> dict[str, Any]:
    """The request body, refusing (exit 2, before any call) what this type would not use or must have."""
    for option, only, field in ONLY_FOR:
        if given.get(field) is not None and type_ != only:
            raise CliError(f"{option}: only for --type {only}, not {type_}", EXIT_USAGE)
    if given.get("pin") is not None and given.get("share_device_id") is not None:
        raise CliError("--pin: a shared card keeps its owner's PIN (leave it out with --share)", EXIT_USAGE)
    if type_ == "dscplus" and given.get("pin") is None and given.get("share_device_id") is None:
        raise CliError("--pin: a DSC+ card needs its 4-digit PIN (or --share DEVICE_ID)", EXIT_USAGE)
    if type_ == "ibkey" and given.get("platform") is None:
        raise CliError("--platform: an IB Key needs android or ios", EXIT_USAGE)
    body: dict[str, Any] = {"type": type_}
    body.update({k: v for k, v in given.items() if v is not None})
    if label is not None:
        body["label"] = label
    return body


def print_enrolled(enrolled: dict[str, Any], title: str) -> None:
    """The record as a table, the once-only secrets below it, whole; never the QR's SVG source."""
    shown = {k: v for k, v in enrolled.items() if k not in (*ONCE, "qr_svg")}
    print_renderable(fields_table(title, device_fields(shown)))
    print_secrets("Shown once, keep it now:", {k: enrolled.get(k) for k in ONCE})


def texted_number(client: AdminClient, username: str, sent_to: Any) -> str:
    """The whole number behind the masked ``sent_to``, for a command to copy: the user's phone when it is
    that number (an activation code goes to the number the active IB Key was activated with, which may be
    an older one), else ``<number>``."""
    try:
        phone = client.user(username).get("phone")
    except (ApiError, NoServer):
        return "<number>"
    return str(phone) if phone and mask_number(str(phone)) == sent_to else "<number>"


def next_steps(
    enrolled: dict[str, Any], username: str, client: AdminClient, *, qr_drawn: bool = False
) -> None:
    """What to do with the new device, on stderr (so --json output stays clean). An IB Key is activated
    with a texted code, or, when the user has an active card, with the card's response (no text). A TOTP
    enrolled with ``--qr`` points at the code drawn above, not at the option already given."""
    device_id = enrolled.get("device_id", "<device_id>")
    kind = enrolled.get("type")
    if "secret_hex" in enrolled:
        warn(
            "secret_hex is shown once and cannot be read back; store it now. Compute a response with: "
            "sls device respond --secret-hex <hex> --pin <pin> --challenge <6 digits>"
        )
    elif kind == "ibkey":
        unlock = "--biometric" if enrolled.get("platform") == "ios" else "--pin 12ab"
        if enrolled.get("activation") == "card":
            card, challenge = enrolled.get("card_device_id"), enrolled.get("challenge")
            got = (
                f"No text: {username}'s card confirms the new phone. Key its PIN and the challenge into it: "
                f"`sls device card-respond {card} --pin <PIN> --challenge {challenge}`"
            )
            code = "<response>"
        else:
            number = texted_number(client, username, enrolled.get("sent_to"))
            sent_to = enrolled.get("sent_to")
            got = f"The activation code was texted to {sent_to}: `sls phone inbox {number} --code`"
            code = "<code>"
        note(
            f"{got}; then `sls device activate {device_id} --username {username} --code {code} {unlock}` "
            "(it asks for the password)."
        )
    elif kind == "totp":
        how = "scan the QR code above" if qr_drawn else "--qr draws a QR code to scan"
        warn(f"the otpauth URI and secret are shown once; add them to an authenticator app now ({how})")
    elif kind == "temporary":
        warn("the passcode is shown once; give it to the user now")


@device.command("enroll")
@click.argument("username")
@click.option(
    "--type",
    "type_",
    type=click.Choice(DEVICE_TYPES),
    default="dscplus",
    show_default=True,
    help="The kind of authenticator.",
)
@click.option("--pin", help="dscplus: the card's 4-digit PIN.")
@click.option("--share", "share_device_id", metavar="DEVICE_ID", help="dscplus: share an existing card.")
@click.option("--platform", type=click.Choice(["android", "ios"]), help="ibkey: the smartphone's platform.")
@click.option(
    "--days",
    type=click.IntRange(1, 14),
    help="temporary: days the passcode stays valid (default SLS_TEMPORARY_PASSCODE_DAYS, 2). None is issued "
    "right after another: enrol a real device first.",
)
@click.option("--digits", type=click.Choice(["6", "8"]), help="totp: digits the app shows.  [default: 6]")
@click.option(
    "--algorithm", type=click.Choice(["sha1", "sha256", "sha512"]), help="totp: HMAC hash.  [default: sha1]"
)
@click.option("--period", type=click.IntRange(15, 120), help="totp: seconds per code, 15-120.  [default: 30]")
@click.option("--qr", is_flag=True, help="totp: also draw the otpauth QR code in the terminal, to scan.")
@click.option("--qr-svg", type=OutputFile(), help="totp: save the QR code as SVG.")
@click.option("--label", help="A name for the device, shown in login factor lists.")
@admin_options
def enroll(
    username: str,
    type_: str,
    pin: str | None,
    share_device_id: str | None,
    platform: str | None,
    days: int | None,
    digits: str | None,
    algorithm: str | None,
    period: int | None,
    qr: bool,
    qr_svg: Path | None,
    label: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Enrol an authenticator for a user (POST /admin/v1/users/<username>/devices).

    What it hands out once (a card's key, a TOTP app's otpauth URI and secret, a temporary passcode) is
    printed whole on its own line: keep it then, it cannot be read back.

    \b
    Examples:
      sls device enroll carol --pin 2468                        # a DSC+ card
      sls device enroll carol --pin 2468 --label "desk card" --json
      sls device enroll dave --share dscplus-1d68b218dc44       # dave uses carol's card too
      sls device enroll carol --type ibkey --platform android   # activation code goes by SMS
      sls device enroll carol --type totp --digits 8 --algorithm sha256 --period 60 --qr
      sls device enroll erin --type sms                         # codes to a phone added with --no-sms
      sls device enroll vic --type voice                        # callbacks only (SMS takes them too)
      sls device enroll carol --type temporary --days 2         # for a lost device
    """
    if (qr or qr_svg) and type_ != "totp":
        raise CliError("--qr/--qr-svg: only for --type totp", EXIT_USAGE)
    given = {
        "pin": pin,
        "share_device_id": share_device_id,
        "platform": platform,
        "days": days,
        "digits": int(digits) if digits else None,
        "algorithm": algorithm,
        "period": period,
    }
    body = enrol_body(type_, label, given)
    client = connect(url, admin_token)
    with server_errors():
        enrolled = client.enrol_device(username, body)
    if as_json:
        print_json(enrolled)
    else:
        print_enrolled(enrolled, f"{type_} enrolled for {username}")
    if enrolled.get("otpauth_uri") and (qr or qr_svg):
        show_qr(enrolled["otpauth_uri"], qr_svg, to_terminal=qr and not as_json)
    next_steps(enrolled, username, client, qr_drawn=qr and not as_json and bool(enrolled.get("otpauth_uri")))


def show_qr(uri: str, svg_path: Path | None, *, to_terminal: bool) -> None:
    import segno

    code = segno.make(uri, error="m", micro=False)
    if svg_path is not None:  # the picture holds the TOTP secret: private like the secret itself
        drawing = io.BytesIO()
        code.save(drawing, kind="svg", scale=4)
        write_private(svg_path, drawing.getvalue())
        note(f"QR code saved to {svg_path} (mode 0600: it holds the secret)")
    if to_terminal:
        drawn = io.StringIO()
        code.terminal(out=drawn, compact=True)
        sys.stdout.write(drawn.getvalue())
        sys.stdout.flush()


@device.command("list")
@click.argument("username")
@admin_options
def list_devices(username: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """List a user's devices and their state (GET /admin/v1/users/<username>/devices).

    \b
    Example:
      sls device list carol
    """
    client = connect(url, admin_token)
    with server_errors():
        devices = client.devices(username)
    if as_json:
        print_json({"devices": devices})
        return
    columns = ["device_id", "type", "status", "state", "serial", "created (UTC)", "label"]
    rows = [
        [
            d.get("device_id"),
            d.get("type"),
            d.get("status"),
            state_words(d),
            d.get("serial"),
            when(d.get("created_at"), short=True),
            d.get("label"),
        ]
        for d in devices
    ]
    print_renderable(table(f"devices of {username}", columns, rows, wrap=["label"]))


def state_words(record: dict[str, Any]) -> str:
    """What stops a device from working, and the command that fixes it; "ok" when nothing does."""
    words = []
    if record.get("locked"):
        words.append("card locked by wrong PINs (sls device reset)")
    if record.get("factor_locked"):
        words.append("disabled by wrong responses (sls device unlock)")
    elif record.get("factor_failures"):
        words.append(f"{record['factor_failures']} wrong response(s) in a row")
    if record.get("strikes"):  # on an enabled card at no count, a user's at the limit refuse their logins
        unlock = "" if record.get("factor_locked") else " (sls device unlock)"
        words.append(f"wrong responses counted against {strikes_words(record)}{unlock}")
    if record.get("shared_with"):
        words.append("shared with " + ", ".join(record["shared_with"]))
    return "; ".join(words) or "ok"


def strikes_words(record: dict[str, Any]) -> str:
    """Whose wrong responses the device's view counts against them, and how many: "alice (3), bob (1)"."""
    return ", ".join(f"{s['username']} ({s['count']})" for s in record.get("strikes") or []) or "-"


def device_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A device for a two-column table: readable times, its users' strikes in words."""
    return {**readable(record), **({"strikes": strikes_words(record)} if "strikes" in record else {})}


@device.command("revoke")
@click.argument("username")
@click.argument("device_id")
@admin_options
def revoke(username: str, device_id: str, url: str | None, admin_token: str | None, as_json: bool) -> None:
    """Revoke one of a user's devices (DELETE /admin/v1/users/<username>/devices/<device_id>).

    A card merely shared with the user is taken off that user only; its owner keeps it.

    \b
    Example:
      sls device revoke carol dscplus-0a1b2c3d4e5f
    """
    client = connect(url, admin_token)
    with server_errors():
        revoked = client.revoke_device(username, device_id)
    if as_json:
        print_json(revoked)
        return
    owner = revoked.get("owner")
    if owner and owner != username.strip().lower():  # a share ended: the card itself stays its owner's
        title = f"{username} no longer uses {device_id}; it stays {owner}'s"
    else:
        title = f"device {device_id} of {username}: {revoked.get('status')}"
    print_renderable(fields_table(title, device_fields(revoked)))

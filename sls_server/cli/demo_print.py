"""How ``sls demo`` and ``sls world`` show the demo world: who is who (passwords, phones, PINs, devices), the
secrets handed out once, the roomier limits in effect, and three flows to try. Long values are never cut:
secrets go on lines of their own and commands are printed whole.
"""

from __future__ import annotations

from typing import Any

from rich.panel import Panel
from rich.text import Text

from ..exposure import is_loopback
from .output import print_renderable, print_secrets, table


def holds(device: dict[str, Any]) -> str:
    """What the user holds for this device: the card's PIN, the app's PIN or biometrics (and the iPhone's
    passcode, for when they are off)."""
    if device.get("biometric"):
        passcode = device.get("iphone_passcode")
        return "Face ID / Touch ID" + (f" (iPhone passcode {passcode})" if passcode else "")
    if device.get("pin"):
        return ("app PIN " if device.get("type") == "ibkey" else "PIN ") + str(device["pin"])
    return ""


def device_extra(device: dict[str, Any]) -> str:
    """What the user holds for it, and how it came: the platform, whose card it shares."""
    words = [holds(device)] if holds(device) else []
    if device.get("platform"):
        words.append(device["platform"])
    if device.get("shared_from"):
        words.append(f"shared from {device['shared_from']}")
    if device.get("note"):
        words.append(device["note"])
    return ", ".join(words)


#: The pages to open in a browser, as ``demo.json`` names them (an older ``demo.json`` has none of them).
PAGES = (
    ("Login page", "login_page"),
    ("Trainer", "trainer"),
    ("Devices", "simulators"),
    ("API docs", "docs"),
)

ADMIN_HINT = "send it as 'Authorization: Bearer <token>' to /admin/v1 (sls commands read it from demo.json)"


#: How ``sls demo`` and ``sls world`` read a demo's admin token off demo.json, for the trainer alone.
TOKEN_COMMAND = "sls world --token"


def token_shown(info: dict[str, Any], show: bool = False) -> bool:
    """Whether the admin token may be printed with the world: on loopback (a developer's own machine), or when
    ``show`` (``sls demo --show-token``) says so. Beyond loopback the terminal is often projected to a room
    that reaches the server: the token opens the admin API and the trainer console (reset, end sessions, read
    all), which the trainees must not have. An older demo.json names no host: it listened on loopback."""
    return show or is_loopback(str(info.get("host", "127.0.0.1")))


def withheld(info: dict[str, Any], show: bool = False) -> dict[str, Any]:
    """``info`` as it may be printed: without the admin token unless :func:`token_shown`."""
    if token_shown(info, show):
        return info
    return {key: value for key, value in info.items() if key != "admin_token"}


def token_lines(info: dict[str, Any], show: bool) -> Text:
    """The admin token's lines of the panel: the token, or where the trainer reads it."""
    if token_shown(info, show):
        return Text.assemble(
            ("Admin token  ", "bold"), str(info.get("admin_token")), "\n", (ADMIN_HINT, "dim")
        )
    return Text.assemble(
        ("Admin token  ", "bold"),
        f"not shown: the server answers beyond loopback ({info.get('host') or 'every interface'})",
        "\n",
        (
            f"read it on your own screen with `{TOKEN_COMMAND}` (it is in {info.get('demo_file')}, mode "
            "0600) to sign in to the trainer console; `sls demo --show-token` prints it in this panel",
            "dim",
        ),
    )


def print_tokens(info: dict[str, Any], show: bool) -> None:
    """The pages to open and the tokens, in the panel that ends the start-up (the banner has scrolled away
    under the server's own lines by then)."""
    token = Text()
    for label, key in PAGES:
        if info.get(key):
            token.append_text(Text.assemble((f"{label:<13}", "bold"), str(info[key]), "\n"))
    token.append_text(token_lines(info, show))
    if info.get("sim_token"):
        token.append_text(
            Text.assemble(
                "\n",
                ("Sim token    ", "bold"),
                str(info["sim_token"]),
                "\n",
                ("/sim/v1 needs it (SLS_SIM_TOKEN); the sls phone/device commands send it", "dim"),
            )
        )
    print_renderable(
        Panel(token, title="sls demo: ready to log in", title_align="left", border_style="cyan", expand=False)
    )


def print_world(info: dict[str, Any]) -> None:
    """Who is who (one row per user), then their devices (one row each: ids are never wrapped)."""
    users = list((info.get("users") or {}).values())
    rows = [
        [u.get("username"), u.get("password"), u.get("phone"), u.get("shows") or u.get("note")] for u in users
    ]
    print_renderable(
        table(
            "Demo users: one per authenticator and protection",
            ["user", "password", "phone", "shows"],
            rows,
            wrap=["shows"],
        )
    )
    devices = [
        [u.get("username"), d.get("type"), d.get("device_id"), device_extra(d)]
        for u in users
        for d in u.get("devices") or []
    ]
    print_renderable(table("Their devices", ["user", "type", "device_id", "holds"], devices, wrap=["holds"]))
    secrets: dict[str, Any] = {}
    for user in users:
        for device in user.get("devices") or []:
            name = user.get("username")
            if device.get("secret_hex"):
                secrets[f"{name} card key (secret_hex)"] = device["secret_hex"]
            if device.get("otpauth_uri"):
                secrets[f"{name} TOTP (otpauth_uri)"] = device["otpauth_uri"]
            if device.get("passcode"):
                secrets[f"{name} temporary passcode"] = device["passcode"]
    print_secrets("Handed out once at enrolment (sls login uses them; keep them for your own code):", secrets)


def print_limits(info: dict[str, Any]) -> None:
    limits = info.get("limits") or {}
    if not limits:
        return
    text = Text("Roomier limits for a demo, so repeated logins never meet them: ", style="bold")
    text.append(", ".join(f"{name}={v['value']} (default {v['default']})" for name, v in limits.items()))
    text.append(". Set any of them in the environment to show the default (SLS_PUSH_LIMIT=3 sls demo).")
    print_renderable(text)


def print_try_this(info: dict[str, Any]) -> None:
    text = Text("\nTry this, in another terminal:\n", style="bold")
    for number, flow in enumerate(info.get("try") or [], 1):
        text.append(f"{number}. {flow['title']}\n", style="bold")
        for command in flow["commands"]:
            text.append(f"   {command}\n")
    print_renderable(text)


def print_all(info: dict[str, Any], show_token: bool = False) -> None:
    """The whole world; the admin token only where :func:`token_shown` allows (or ``show_token``)."""
    print_tokens(info, show_token)
    print_world(info)
    print_limits(info)
    print_try_this(info)
    print_renderable(
        Text(
            f"All of this is in {info.get('demo_file')} (mode 0600); `sls world` prints it again.",
            style="dim",
        )
    )

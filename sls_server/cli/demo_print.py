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
from .serve_banner import THIS_MACHINE, loopback_url
from .world_marks import CHANGED, PHONE_CHANGED


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
#: And its sim token, when it was started with ``SLS_SIM_TOKEN``.
SIM_TOKEN_COMMAND = "sls world --sim-token"


def token_shown(host: str, show: bool = False) -> bool:
    """Whether a server's admin token may be printed: when it listens on loopback (a developer's own
    machine), or when ``show`` (``--show-token``) says so. Beyond loopback the terminal is often projected to
    a room that reaches the server: the token opens the admin API and the trainer console (reset, end
    sessions, read all), which the trainees must not have. ``sls demo`` and ``sls scenario demo`` both ask
    here."""
    return show or is_loopback(host)


def demo_host(info: dict[str, Any]) -> str:
    """Where demo.json's server listens; an older demo.json names no host: it listened on loopback."""
    return str(info.get("host", "127.0.0.1"))


#: demo.json's tokens, each for the trainer alone: the admin token (the admin API, the trainer console) and
#: the sim token (``SLS_SIM_TOKEN``: the simulated devices, kept from a class that plays the attacker).
TOKENS = ("admin_token", "sim_token")


def withheld(info: dict[str, Any], show: bool = False) -> dict[str, Any]:
    """``info`` as it may be printed: without its tokens unless :func:`token_shown`."""
    if token_shown(demo_host(info), show):
        return info
    return {key: value for key, value in info.items() if key not in TOKENS}


def token_lines(
    token: str,
    host: str,
    show: bool,
    *,
    read: str,
    command: str,
    hint: str,
    label: str = "Admin token",
    use: str = "to sign in to the trainer console",
) -> Text:
    """A server's token as its command prints it: the token and ``hint`` (how it is used) where
    :func:`token_shown`; else where the trainer reads it (``read``: a command, and the 0600 file it reads)
    and that ``command --show-token`` prints it anyway. One wording for ``sls demo`` and
    ``sls scenario demo``, for the admin token and the sim token."""
    heading = (f"{label:<13}", "bold")
    if token_shown(host, show):
        return Text.assemble(heading, token, "\n", (hint, "dim"))
    return Text.assemble(
        heading,
        f"not shown: the server answers beyond loopback ({host or 'every interface'})",
        "\n",
        (
            f"read it on your own screen with {read} {use}; `{command} --show-token` prints it here",
            "dim",
        ),
    )


def demo_token_lines(info: dict[str, Any], show: bool) -> Text:
    """demo.json's admin token, or where the trainer reads it: ``sls world --token``."""
    return token_lines(
        str(info.get("admin_token")),
        demo_host(info),
        show,
        read=f"`{TOKEN_COMMAND}` (it is in {info.get('demo_file')}, mode 0600)",
        command="sls demo",
        hint=ADMIN_HINT,
    )


def demo_sim_token_lines(info: dict[str, Any], show: bool) -> Text:
    """demo.json's sim token (``SLS_SIM_TOKEN``), or where the trainer reads it: ``sls world --sim-token``.
    It keeps the simulated devices for the trainer while the class plays the attacker, so it is withheld
    where the admin token is, the projected terminal of a server the class reaches."""
    return token_lines(
        str(info.get("sim_token")),
        demo_host(info),
        show,
        read=f"`{SIM_TOKEN_COMMAND}` (it is in {info.get('demo_file')}, mode 0600)",
        command="sls demo",
        hint="/sim/v1 and the simulator pages ask for it (SLS_SIM_TOKEN); sls phone/device commands send it",
        label="Sim token",
        use="to sign in to the simulator pages",
    )


def print_tokens(info: dict[str, Any], show: bool) -> None:
    """The pages to open and the tokens, in the panel that ends the start-up (the banner has scrolled away
    under the server's own lines by then). The pages are at the address the class reaches; this machine's
    own (loopback) follows them when it differs."""
    token = Text()
    for label, key in PAGES:
        if info.get(key):
            token.append_text(Text.assemble((f"{label:<13}", "bold"), str(info[key]), "\n"))
    here = loopback_url(info)
    if here:
        token.append_text(
            Text.assemble(
                (f"{THIS_MACHINE:<13}", "bold"),
                here,
                ("  (for a browser here; others open those above)", "dim"),
                "\n",
            )
        )
    token.append_text(demo_token_lines(info, show))
    if info.get("sim_token"):
        token.append("\n")
        token.append_text(demo_sim_token_lines(info, show))
    print_renderable(
        Panel(token, title="sls demo: ready to log in", title_align="left", border_style="cyan", expand=False)
    )


def print_world(info: dict[str, Any]) -> None:
    """Who is who (one row per user), then their devices (one row each: ids are never wrapped)."""
    users = list((info.get("users") or {}).values())
    rows = [[u.get("username"), _password(u), _phone(u), u.get("shows") or u.get("note")] for u in users]
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


def _password(user: dict[str, Any]) -> Any:
    """A password the server no longer holds (``world_marks.CHANGED``) is said to be unknown, not printed."""
    if user.get(CHANGED):
        return "(changed on the server since; not known here)"
    return user.get("password")


def _phone(user: dict[str, Any]) -> Any:
    """The server's number, when it is not demo.json's (``world_marks.PHONE_CHANGED``), said to be that."""
    if user.get(PHONE_CHANGED):
        return f"{user.get('phone') or '(none)'} (changed on the server)"
    return user.get("phone")


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

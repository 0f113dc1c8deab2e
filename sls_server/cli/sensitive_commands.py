"""``sls withdraw``, ``sls change-phone``, ``sls change-password`` and ``sls my-allowlist``: the tasks that
need a fresh step-up (``sls stepup``), inside a session kept as ``session_commands`` keeps it.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from . import demofile, world_marks
from .admin_client import segment
from .admin_commands import admin_options, show_record
from .answering import WHY_NO_TEXT, Answerer
from .app_unlock import Given
from .login_view import tools
from .output import CliError, print_json, print_renderable, table
from .protect_commands import allowlist_arguments, allowlist_change
from .reading import ask
from .server_errors import server_errors
from .session_commands import session_api, session_client, session_options
from .sim_access import sim_token_option


@click.command("withdraw")
@click.argument("amount", type=click.IntRange(1, 10**9))
@click.option("--currency", default="USD", show_default=True, help="A 3-letter ISO code.")
@session_options
@admin_options
def withdraw(
    amount: int,
    currency: str,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Request a withdrawal (simulated: no money moves); needs a fresh step-up (POST /api/v1/withdrawals).

    The body sent is {"amount": AMOUNT, "currency": CURRENCY}. Each withdrawal spends its step-up: it needs
    its own `sls stepup --purpose withdrawal`, done in the last 5 minutes and not spent by an earlier
    withdrawal, else 401 reauth_required. A refused amount or currency (400) spends nothing.

    \b
    Example:
      sls stepup --purpose withdrawal --auto && sls withdraw 100 --currency USD
    """
    _, _, api = session_client(url, admin_token, username, token)
    with server_errors():
        result = api.request("POST", "/api/v1/withdrawals", {"amount": amount, "currency": currency})
    show_record(result, "withdrawal", as_json)


@click.command("change-phone")
@click.argument("number", metavar="NUMBER")
@click.option("--code", metavar="DIGITS", help="The code texted to NUMBER: finish a change asked for before.")
@click.option("--auto", is_flag=True, help="Read the code off the simulated phone NUMBER and finish at once.")
@sim_token_option
@session_options
@admin_options
def change_phone(
    number: str,
    code: str | None,
    auto: bool,
    sim_token: str | None,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """The user changes their own phone number (POST /api/v1/account/phone); needs a fresh step-up.

    The server first texts a 6-digit code to NUMBER (E.164, like +15555550199) and changes nothing: the
    number becomes the account's
    when the code comes back, from this session, before it expires. This command asks for the code
    (typed at the prompt, --code, or --auto off the simulated phone); without a terminal it stops after
    the text, to be finished with --code. Both numbers then get a notice. An administrator sets a number
    without a code with `sls user phone`.

    \b
    Examples:
      sls stepup --purpose change_contact --auto && sls change-phone +15555550199 --auto
      sls change-phone +15555550199                 # asks for the code texted to it
      sls change-phone +15555550199 --code 123456   # finishes a change asked for before
    """
    if code is not None and auto:
        raise click.BadParameter("give --code or --auto, not both", param_hint="'--code'")
    admin, answerer = tools(url, admin_token, sim_token, Given(), about=username)
    name, api = session_api(admin, username, token)
    with server_errors():
        if code is None:
            seen = _texts_on(answerer, number) if auto else set()
            sent = api.request("POST", "/api/v1/account/phone", {"phone": number})
            if auto:
                code = _texted_code(answerer, number, seen)
            elif not as_json and sys.stdin.isatty():
                code = ask(f"Code sent to {sent['sent_to']}", instead="--code DIGITS").strip()
            else:
                show_record(sent, "code sent", as_json)
                if not as_json:
                    click.echo(f"Then: sls change-phone {number} --code DIGITS", err=True)
                return
        result = api.request("POST", "/api/v1/account/phone", {"phone": number, "code": code})
    owner = str(result.get("username") or name or "")
    if owner and demofile.remember_phone(admin.url, owner, str(result.get("phone") or number)):
        click.echo(f"demo.json now holds {owner}'s new number: --auto reads codes off it", err=True)
    show_record(result, "phone changed", as_json)


@click.command("change-password")
@click.option("--current", metavar="PASSWORD", help="The password now; prompted for (hidden) when not given.")
@click.option(
    "--new", "new", metavar="PASSWORD", help="The new password; prompted for twice (hidden) when not given."
)
@click.option("--keep-other-sessions", is_flag=True, help="Leave the user's other sessions logged in.")
@session_options
@admin_options
def change_password(
    current: str | None,
    new: str | None,
    keep_other_sessions: bool,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """The user changes their own password; needs a fresh step-up (POST /api/v1/account/password).

    The current password and the new one are both asked for (ASVS 6.2.3); the new one must meet the policy a
    new user's does. A wrong current password is refused (403 wrong_password) and counts towards the
    lockout, as a wrong login does. The user's other sessions are logged out unless --keep-other-sessions;
    the phone gets a notice. Without `sls stepup --purpose change_security` in the last 5 minutes: 401
    reauth_required. A demo user's new password is written into demo.json, so `--auto` logins go on
    working. An administrator sets anyone's with `sls user password`.

    \b
    Examples:
      sls stepup --purpose change_security --auto && sls change-password     # prompts for both
      sls change-password --current 'copper-lantern-meadow-7' --new 'violet-harbour-lantern-42'
    """
    if current is None:
        current = ask("Current password", instead="--current PASSWORD", hide_input=True)
    if new is None:
        new = ask("New password", instead="--new PASSWORD", hide_input=True, twice=True)
    admin, _, api = session_client(url, admin_token, username, token)
    body = {"current_password": current, "new_password": new, "end_other_sessions": not keep_other_sessions}
    with server_errors():
        result = api.request("POST", "/api/v1/account/password", body)
    if demofile.remember_password(
        admin.url, result["username"], new, mark=world_marks.password_mark(admin, result["username"])
    ):
        click.echo(
            f"demo.json now holds {result['username']}'s new password: --auto logs in with it", err=True
        )
    show_record(result, "password changed", as_json)


@click.command("my-allowlist")
@allowlist_arguments("Turn IP Restrictions off: log in from any address again.", metavar="[ADDRESS|CIDR]...")
@session_options
@admin_options
def my_allowlist(
    entries: tuple[str, ...],
    clear: bool,
    username: str | None,
    token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """The user's own IP Restrictions: show them, or set them after a fresh step-up (GET/PUT
    /api/v1/account/ip-allowlist).

    With no addresses it shows the user's list, their account's and the address the server sees. With
    addresses (IPv4/IPv6, or CIDR ranges) it replaces the list, which must hold that address: without it the
    session would end at once and the user could not log in again. Setting needs `sls stepup --purpose
    change_security` in the last 5 minutes; the phone gets a notice. An administrator sets anyone's with
    `sls user allowlist`.

    \b
    Examples:
      sls my-allowlist                                              # show
      sls stepup --purpose change_security --auto && sls my-allowlist 127.0.0.1 203.0.113.0/24
      sls my-allowlist --clear                                      # off
    """
    change = allowlist_change(entries, clear)
    _, _, api = session_client(url, admin_token, username, token)
    with server_errors():
        result = api.request("GET" if change is None else "PUT", "/api/v1/account/ip-allowlist", change)
    if as_json:
        print_json(result)
        return
    listed = result.get("ip_allowlist") or []
    title = f"{result['username']}: " + (
        "IP Restrictions off" if not listed else f"logins only from {len(listed)} address(es)"
    )
    rows = [[entry, "yours"] for entry in listed]
    rows += [[entry, f"account {result['account_id']}"] for entry in result.get("account_ip_allowlist") or []]
    print_renderable(table(title, ["allowed", "list"], rows))
    click.echo(f"Your address, as the server sees it: {result.get('your_address') or 'unknown'}", err=True)


def _texts(answerer: Answerer, number: str) -> list[dict[str, Any]]:
    """The texts on the simulated phone ``number``, newest first: read before the code is asked for and
    after, so the code found is the one this change sent."""
    path = f"/sim/v1/phones/{segment(number)}/messages"
    texts: list[dict[str, Any]] = answerer.sim.request("GET", path)["messages"]
    return texts


def _texts_on(answerer: Answerer, number: str) -> set[str]:
    """The texts on the simulated phone before the code was asked for: the code is in none of them."""
    return {str(m["id"]) for m in _texts(answerer, number)}


def _texted_code(answerer: Answerer, number: str, seen: set[str]) -> str:
    for message in _texts(answerer, number):  # newest first
        if (
            message.get("purpose") == "phone_change"
            and message.get("code")
            and str(message["id"]) not in seen
        ):
            return str(message["code"])
    raise CliError(
        f"no code reached {number} ({WHY_NO_TEXT}); see `sls phone inbox` and `sls phone conditions`"
    )

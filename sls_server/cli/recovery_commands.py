"""``sls recover-password``: "Forgot your password?" as the user goes through it (``/api/v1/auth/recovery``):
the code texted to the account's phone, the second factor on another authenticator, the new password."""

from __future__ import annotations

import click

from . import demofile, world_marks
from .admin_commands import admin_options, show_record
from .app_unlock import Given
from .login_view import answer_options, tools
from .output import note
from .reading import ask
from .server_errors import server_errors
from .step_flow import Flow
from .step_loop import run_flow


@click.command("recover-password")
@click.argument("username")
@click.option("--code", metavar="DIGITS", help="The code texted to the account's phone.")
@click.option("--response", metavar="ANSWER", help="The security device's answer (card, app code, passcode).")
@click.option(
    "--new", "new", metavar="PASSWORD", help="The new password; prompted for twice (hidden) when not given."
)
@click.option(
    "--challenge",
    is_flag=True,
    help="IB Key: its Challenge/Response instead of a push, as for a phone that gets no notifications.",
)
@answer_options
@admin_options
def recover_password(
    username: str,
    code: str | None,
    response: str | None,
    new: str | None,
    challenge: bool,
    auto: bool,
    timeout: float,
    pin: str | None,
    biometric: bool,
    passcode: str | None,
    sim_token: str | None,
    url: str | None,
    admin_token: str | None,
    as_json: bool,
) -> None:
    """Reset a forgotten password, as the user does on the login page's "Forgot your password?"
    (POST /api/v1/auth/recovery, then .../code, .../verify, .../password).

    A code is texted to the account's phone (typed at the prompt, --code, or read off the simulated phone with
    --auto); then the user's security device other than the phone answers (a card, IB Key, an authenticator
    app: --response, --auto, a prompt, or waiting for the app; --challenge: IB Key's Challenge Code instead of
    its push, POST .../challenge); then the new password. A user with only SMS or
    voice is sent to Client Services (`sls user password`). Every session ends, and a demo user's new password
    is written into demo.json.

    \b
    Examples:
      sls recover-password card-carl --auto --new 'violet-harbour-lantern-42'
      sls recover-password card-carl                    # prompts for the code, the response, the password
      sls recover-password android-ann --auto --challenge   # IB Key's Challenge Code instead of the push
    """
    if code is not None and auto:
        raise click.BadParameter("give --code or --auto, not both", param_hint="'--code'")
    admin, answerer = tools(url, admin_token, sim_token, Given(pin, biometric, passcode), about=username)
    api = admin.with_token(None)
    with server_errors():
        flow = Flow("recovery", username, "", {}, purpose="password_recovery")
        flow.seen = answerer.snapshot(username) if auto else []
        started = api.request("POST", "/api/v1/auth/recovery", {"username": username})
        flow.recovery_token = started["recovery_token"]
        if code is None:
            code = (
                answerer.received_code(flow, "sms")
                if auto
                else ask("Code texted to the account's phone", instead="--code DIGITS").strip()
            )
        step = api.request(
            "POST", "/api/v1/auth/recovery/code", {"recovery_token": flow.recovery_token, "code": code}
        )
        flow.txn_id, flow.factor, flow.factors = step["txn_id"], step["factor"], step.get("factors") or []
        if challenge:
            if flow.factor.get("type") != "ibkey":
                hint = "'--challenge'"
                raise click.BadParameter(
                    "only IB Key has one; this recovery asks for another device", param_hint=hint
                )
            token = {"recovery_token": flow.recovery_token}
            flow.factor = api.request("POST", "/api/v1/auth/recovery/challenge", token)["factor"]
        run_flow(
            flow, admin, answerer, response=response, auto=auto, timeout=timeout, remember=lambda _: None
        )
        if new is None:
            new = ask("New password", instead="--new PASSWORD", hide_input=True, twice=True)
        body = {"recovery_token": flow.recovery_token, "new_password": new}
        result = api.request("POST", "/api/v1/auth/recovery/password", body)
    if demofile.remember_password(
        admin.url, result["username"], new, mark=world_marks.password_mark(admin, result["username"])
    ):
        note(f"demo.json now holds {result['username']}'s new password: --auto logs in with it")
    show_record(result, "password reset", as_json)

"""The ``sls`` command group. Run as the ``sls`` console script or ``python -m sls_server.cli.main``.

Commands are registered here, by section, so ``sls --help`` reads as a map of the product rather than an
alphabetical list. A module that brings a command of its own adds one line below (``SECTIONS`` names where
it shows; anything unnamed is listed under "More").
"""

from __future__ import annotations

import sys

import click

from . import (  # noqa: F401 - each *_commands module adds its commands to the user/device/scenario groups
    device_commands,
    device_state,
    ibkey_commands,
    ibkey_setup_commands,
    protect_commands,
    scenario_run_commands,
    user_commands,
    version,
)
from .account_commands import account
from .admin_commands import device, user
from .attack_cmd import attack
from .bench_cmd import bench
from .clock_cmd import clock
from .config_cmd import config
from .control_commands import events, openapi, sessions, status, wipe
from .demo import demo, world
from .gateway_cmd import gateway
from .gateway_state_cmd import gateway_state
from .login_commands import answer, login, switch
from .metrics_cmd import metrics
from .output import HelpGroup
from .phone_commands import phone
from .respond import respond
from .scenario_commands import scenario
from .serve import serve
from .session_commands import change_phone, logout, my_sessions, stepup, whoami, withdraw
from .state_cmd import state

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Run the emulator", ("demo", "world", "serve", "gateway", "status", "config", "bench")),
    (
        "Log in as a user (/api/v1)",
        (
            "login",
            "switch",
            "answer",
            "stepup",
            "whoami",
            "my-sessions",
            "withdraw",
            "change-phone",
            "logout",
        ),
    ),
    (
        "Set up and control (/admin/v1)",
        (
            "user",
            "device",
            "account",
            "sessions",
            "events",
            "metrics",
            "clock",
            "attack",
            "state",
            "gateway-state",
            "wipe",
            "openapi",
        ),
    ),
    ("The user's side of the world (/sim/v1)", ("phone",)),
    ("Scripted scenarios", ("scenario", "scenarios")),
)


class SectionedGroup(HelpGroup):
    """``--help`` lists commands under the headings of ``SECTIONS``, in that order."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: set[str] = set()
        for heading, names in SECTIONS:
            rows = self.help_rows(ctx, [n for n in names if n in self.commands])
            listed.update(names)
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        rest = self.help_rows(ctx, [n for n in self.list_commands(ctx) if n not in listed])
        if rest:
            with formatter.section("More"):
                formatter.write_dl(rest)


@click.group(cls=SectionedGroup, context_settings=CONTEXT)
@click.version_option(version(), "-V", "--version", prog_name="sls", message="%(prog)s %(version)s")
def cli() -> None:
    """sls-emulator: an emulator of a broker's Secure Login System (Interactive Brokers' SLS).

    A real login service (Flask, state in Redis): a password, then a second factor: a DSC+ card
    (challenge/response), IB Key on a phone (push with number matching, or challenge/response), an SMS
    code or a voice callback, an authenticator app (TOTP), or a temporary passcode; several per user
    (M2FS) and step-up for sensitive tasks. Protections: lockout after failed logins, authenticators
    disabled after wrong answers, automatic logoff, IP allowlists, push and SMS rate limits. Three
    surfaces: /api/v1 (the login your integration calls), /sim/v1 (the cards and phones users hold),
    /admin/v1 (set-up and control).

    \b
    Start here:
      sls demo                       # a server on :8000 with a user for every authenticator
    then, in another terminal:
      sls world                      # who is who: passwords, PINs, phones, devices
      sls login card-carl            # password, then the card's challenge
      sls login android-ann --auto   # IB Key push, approved in the simulated app
      sls events --follow            # the audit trail as it happens

    Every command has --help with an example, and --json. Settings are SLS_* variables: `sls config`.
    """


for command in (
    serve,
    gateway,
    gateway_state,
    demo,
    world,
    status,
    config,
    login,
    switch,
    answer,
    stepup,
    whoami,
    my_sessions,
    withdraw,
    change_phone,
    logout,
    user,
    device,
    account,
    sessions,
    events,
    metrics,
    clock,
    attack,
    wipe,
    openapi,
    phone,
    scenario,
    bench,
    state,
):
    cli.add_command(command)
device.add_command(respond)


def main() -> None:
    """``sls``: click's own handling, except that Ctrl-C exits 130 (the shell's code for an interrupt) rather
    than click's "Aborted!" and 1, the code a refusal from the server gets: a script waiting on
    ``sls events --follow`` or on a push login can tell the two apart."""
    try:
        code = cli.main(prog_name="sls", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            sys.exit(130)  # click has already ended the line the interrupt cut
        click.echo("Aborted!", err=True)  # a prompt answered "no", or its input ended
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # before click's context, or after gunicorn let go of the signals
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()

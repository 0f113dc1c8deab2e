"""The ``sls`` command group. Run as the ``sls`` console script or ``python -m sls_server.cli.main``.

Commands are registered here, by section, so ``sls --help`` reads as a map of the product rather than an
alphabetical list. A module that brings a command of its own adds one line to ``COMMANDS`` (``SECTIONS``
names where it shows; anything unnamed is listed under "More").
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, MutableMapping
from importlib import import_module
from typing import Any

import click

from . import version
from .output import HelpGroup

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
            "my-allowlist",
            "withdraw",
            "change-phone",
            "change-password",
            "recover-password",
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
            "attack-screen",
            "attack-last",
            "attackers",
            "ip-throttle",
            "state",
            "settings",
            "gateway-state",
            "wipe",
            "openapi",
        ),
    ),
    ("The user's side of the world (/sim/v1)", ("phone",)),
    ("Scripted scenarios", ("scenario",)),
)

#: Where each command is defined (``module:attribute`` in this package), then the modules that add
#: subcommands to it (``module``: its decorators do; ``module:attribute``: a command added here). A command's
#: modules are imported when it is asked for, not before: ``sls login`` no longer imports gunicorn, redis-py
#: and pydantic for ``serve``, ``attack`` and the settings (tests/unit/test_cli_lazy.py).
COMMANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "serve": ("serve:serve", ()),
    "gateway": ("gateway_cmd:gateway", ()),
    "gateway-state": ("gateway_state_cmd:gateway_state", ()),
    "demo": ("demo:demo", ()),
    "world": ("world_cmd:world", ()),
    "status": ("control_commands:status", ()),
    "config": ("config_cmd:config", ()),
    "login": ("login_commands:login", ()),
    "switch": ("login_commands:switch", ()),
    "answer": ("login_commands:answer", ()),
    "stepup": ("session_commands:stepup", ()),
    "whoami": ("session_commands:whoami", ()),
    "my-sessions": ("session_commands:my_sessions", ()),
    "my-allowlist": ("sensitive_commands:my_allowlist", ()),
    "withdraw": ("sensitive_commands:withdraw", ()),
    "change-phone": ("sensitive_commands:change_phone", ()),
    "change-password": ("sensitive_commands:change_password", ()),
    "recover-password": ("recovery_commands:recover_password", ()),
    "logout": ("session_commands:logout", ()),
    "user": ("admin_commands:user", ("user_commands", "protect_commands")),
    "device": (
        "admin_commands:device",
        ("device_commands", "device_state", "ibkey_commands", "ibkey_setup_commands", "respond:respond"),
    ),
    "account": ("account_commands:account", ()),
    "sessions": ("control_commands:sessions", ()),
    "events": ("control_commands:events", ()),
    "metrics": ("metrics_cmd:metrics", ()),
    "clock": ("clock_cmd:clock", ()),
    "attack": ("attack_cmd:attack", ()),
    "attack-screen": ("attack_cmd:attack_screen", ()),
    "attack-last": ("attack_cmd:attack_last", ()),
    "attackers": ("attack_cmd:attackers", ()),
    "ip-throttle": ("ip_throttle_cmd:ip_throttle", ()),
    "wipe": ("control_commands:wipe", ()),
    "openapi": ("control_commands:openapi", ()),
    "phone": ("phone_commands:phone", ()),
    "scenario": ("scenario_commands:scenario", ("scenario_run_commands",)),
    "bench": ("bench_cmd:bench", ()),
    "state": ("state_cmd:state", ()),
    "settings": ("settings_cmd:settings", ()),
}


def _attribute(where: str) -> Any:
    module, _, name = where.partition(":")
    return getattr(import_module(f"{__package__}.{module}"), name)


class LazyGroup(HelpGroup):
    """A group that imports a command's module when the command is asked for (click's documented pattern:
    ``list_commands`` names them all, ``get_command`` loads one)."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, tuple[str, ...]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            where, additions = self.lazy[cmd_name]
            command: click.Command = _attribute(where)
            for addition in additions:
                if ":" not in addition:
                    import_module(f"{__package__}.{addition}")  # its decorators add its commands
                elif isinstance(command, click.Group):
                    command.add_command(_attribute(addition))
                else:
                    raise TypeError(f"{where} is no group: {addition} cannot be added to it")
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def load_all(self) -> MutableMapping[str, click.Command]:
        """Every command, loaded: for what reads the whole tree at once (the checks of the docs and help)."""
        ctx = click.Context(self)
        for name in self.lazy:
            self.get_command(ctx, name)
        return self.commands


class SectionedGroup(LazyGroup):
    """``--help`` lists commands under the headings of ``SECTIONS``, in that order."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        listed: set[str] = set()
        for heading, names in SECTIONS:
            rows = self.help_rows(ctx, names)
            listed.update(names)
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)
        rest = self.help_rows(ctx, [n for n in self.list_commands(ctx) if n not in listed])
        if rest:
            with formatter.section("More"):
                formatter.write_dl(rest)


@click.group(cls=SectionedGroup, context_settings=CONTEXT, lazy=COMMANDS)
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

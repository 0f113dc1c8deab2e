"""The ``sls`` command group. Run as the ``sls`` console script or ``python -m sls_server.cli.main``."""

from __future__ import annotations

import sys

import click

from . import ibkey_commands, protect_commands, version  # noqa: F401 - *_commands add user/device commands
from .admin_commands import device, user
from .clock_cmd import clock
from .config_cmd import config
from .demo import demo
from .phone_commands import phone
from .respond import respond
from .scenario_commands import scenario
from .serve import serve

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


@click.group(context_settings=CONTEXT)
@click.version_option(version(), "-V", "--version", prog_name="sls", message="%(prog)s %(version)s")
def cli() -> None:
    """sls-emulator: an emulator of a broker's Secure Login System (password + DSC+ card login on Redis).

    \b
    Start here:
      sls demo                                   # embedded Redis, demo users and cards, server on :8000
    Then, in another terminal:
      sls user add carol --password 'plum-sketch-harbour-9'
      sls device enroll carol --pin 1234         # prints the card's key once
      sls device respond --secret-hex <hex> --pin 1234 --challenge 123456
      sls clock --advance 15m

    Every command has --help and --json. Settings are SLS_* environment variables: see `sls config`.
    """


cli.add_command(serve)
cli.add_command(demo)
cli.add_command(user)
cli.add_command(device)
device.add_command(respond)
cli.add_command(clock)
cli.add_command(config)
cli.add_command(phone)
cli.add_command(scenario)


def main() -> None:
    try:
        cli.main(prog_name="sls")
    except KeyboardInterrupt:  # before gunicorn takes over the signals (e.g. while the demo seeds)
        sys.exit(130)


if __name__ == "__main__":
    main()

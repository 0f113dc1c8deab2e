"""``sls`` imports a command's modules when that command is asked for.

Every ``sls`` command used to import all of them: ``sls login`` loaded gunicorn, redis-py and pydantic for
``serve``, ``attack`` and the settings, 0.7 s of imports before the first prompt (about 0.3 s now). Each
case runs the real entry point in a fresh interpreter and reads what it imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from sls_server.cli.main import COMMANDS, SECTIONS, cli

#: What a client of the HTTP API never needs: the server's own stack.
SERVER_SIDE = (
    "gunicorn",
    "redis",
    "pydantic",
    "flask",
    "sls_server.store",
    "sls_server.app",
    "sls_scenarios",
)

PROBE = """
import json, sys
from sls_server.cli.main import main
sys.argv = ["sls", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def imported_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))], capture_output=True, text=True, timeout=60
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == s or m.startswith(s + ".") for s in SERVER_SIDE))


@pytest.mark.parametrize(
    "args",
    [
        ("login", "--help"),
        ("user", "add", "--help"),
        ("device", "respond", "--help"),
        ("events", "--help"),
        ("phone", "inbox", "--help"),
        ("clock", "--help"),
        ("scenario", "run", "--help"),
    ],
    ids=" ".join,
)
def test_a_client_command_loads_no_server_side_module(args: tuple[str, ...]) -> None:
    modules = imported_by(*args)
    assert "sls_server.cli.main" in modules  # the probe ran the real entry point
    assert heavy(modules) == []


def test_serve_still_loads_what_it_runs() -> None:
    """The probe can see a heavy import: ``serve`` needs gunicorn and the store."""
    assert {"gunicorn", "sls_server.store"} <= set(heavy(imported_by("serve", "--help")))


def test_one_command_loads_only_its_own_modules() -> None:
    modules = imported_by("login", "--help")
    assert "sls_server.cli.login_commands" in modules
    assert (
        not {"sls_server.cli.attack_cmd", "sls_server.cli.bench_cmd", "sls_server.cli.phone_commands"}
        & modules
    )


def test_every_command_loads_under_its_own_name_and_every_section_names_one() -> None:
    loaded = cli.load_all()
    assert sorted(loaded) == sorted(COMMANDS)
    assert all(command.name == name for name, command in loaded.items())
    assert sorted(name for _, names in SECTIONS for name in names) == sorted(COMMANDS)


def test_a_group_gets_the_subcommands_other_modules_add() -> None:
    device = cli.get_command(click.Context(cli), "device")
    assert isinstance(device, click.Group)
    assert {"enroll", "unlock", "approve", "activate", "respond"} <= set(device.commands)


def test_the_top_help_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sls_server.cli.main", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.splitlines() if line.startswith("  ") and line.split()}
    assert set(COMMANDS) <= listed

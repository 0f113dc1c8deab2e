"""``sls`` help: every command listed and helped with an example, the version, and a command for every
admin and simulator operation."""

from __future__ import annotations

import re
from typing import Any

import click
import pytest
from cli_kit import cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from docs_kit import help_texts

from sls_server.cli.main import cli

# --- help and version ----------------------------------------------------------------------------------


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


ALL_COMMANDS = command_paths(cli)


def test_every_command_is_listed() -> None:
    for expected in [
        ("serve",),
        ("demo",),
        ("world",),
        ("login",),
        ("switch",),
        ("answer",),
        ("stepup",),
        ("whoami",),
        ("my-sessions",),
        ("logout",),
        ("withdraw",),
        ("change-phone",),
        ("user", "add"),
        ("user", "list"),
        ("user", "show"),
        ("user", "delete"),
        ("user", "phone"),
        ("device", "enroll"),
        ("device", "list"),
        ("device", "revoke"),
        ("device", "unlock"),
        ("device", "reset"),
        ("device", "respond"),
        ("device", "card-respond"),
        ("device", "totp-code"),
        ("account", "create"),
        ("sessions", "list"),
        ("sessions", "end"),
        ("events",),
        ("clock",),
        ("wipe",),
        ("config",),
    ]:
        assert expected in ALL_COMMANDS


def test_top_level_help_describes_the_product_and_where_to_start(runner: CliRunner) -> None:
    result = sls(runner, "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # help is wrapped to the terminal: compare words, not lines
    for authenticator in ("DSC+ card", "IB Key", "SMS", "voice callback", "TOTP", "temporary passcode"):
        assert authenticator in text
    for protection in ("lockout", "automatic logoff", "IP allowlists", "disabled after wrong answers"):
        assert protection in text
    for surface in ("/api/v1", "/sim/v1", "/admin/v1"):
        assert surface in text
    assert "Start here:" in result.stdout and "sls demo" in result.stdout
    assert "DSC+ card login on Redis" not in text  # the old, card-only description
    for heading in ("Run the emulator:", "Log in as a user (/api/v1):", "Set up and control (/admin/v1):"):
        assert heading in result.stdout
    for name in ("serve", "demo", "login", "stepup", "user", "device", "events", "clock", "config", "phone"):
        assert f"\n  {name} " in result.stdout


@pytest.mark.parametrize(
    "path", [(), ("device",), ("user",), ("scenario",)], ids=lambda p: " ".join(("sls", *p))
)
def test_a_group_given_nothing_prints_its_help_as_help_does(runner: CliRunner, path: tuple[str, ...]) -> None:
    """``sls | less`` showed nothing: click put the help of a bare group on stderr, with exit 2."""
    bare, asked = sls(runner, *path), sls(runner, *path, "--help")
    assert bare.exit_code == 0 and bare.stderr == "", bare.stderr
    assert bare.stdout == asked.stdout and "Usage: sls" in bare.stdout


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_each_command_has_help_with_an_example(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = sls(runner, *path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: sls " + " ".join(path) in result.stdout
    command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    if not isinstance(command, click.Group):
        # on a line of its own: an example run into the paragraph above it cannot be copied
        assert re.search(r"^ *Examples?:$", result.stdout, re.MULTILINE), result.stdout
        assert "--json" in result.stdout


def test_version(runner: CliRunner) -> None:
    from importlib.metadata import version

    result = sls(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"sls {version('sls-emulator')}"


# --- every admin and simulator operation has a command ----------------------------------------------


#: Operations outside /api/v1 that have no command of their own, and why.
NO_COMMAND: dict[tuple[str, str], str] = {}


def _routes_in(text: str) -> set[tuple[str, str]]:
    """Every ``METHOD /path`` (or ``GET/PUT /path``) a help text names, path parameters as ``{}``."""
    found = set()
    for methods, route in re.findall(
        r"\b((?:GET|POST|PUT|DELETE|PATCH)(?:/(?:GET|POST|PUT|DELETE|PATCH))*) (/[^\s,;)]+)", text
    ):
        route = re.sub(r"<[^>]+>", "{}", route.rstrip(".:"))
        found.update((m.lower(), route) for m in methods.split("/"))
    return found


def test_every_operation_outside_the_login_api_has_a_command(client: Any) -> None:
    """Read the document the app serves; each admin, simulator and service operation is named in the help
    of a command that calls it (the help says `(METHOD /path)`), unless NO_COMMAND says why not."""
    document = client.get("/openapi.json").get_json()
    operations = {
        (method, re.sub(r"\{[^}]+\}", "{}", path))
        for path, ops in document["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "delete", "patch") and not path.startswith("/api/v1")
    }
    assert ("post", "/admin/v1/devices/{}/reset") in operations  # the document is the real one
    covered = {route: name for name, text in help_texts().items() for route in _routes_in(text)}
    exceptions = {(m, re.sub(r"\{[^}]+\}", "{}", p)) for m, p in NO_COMMAND}
    missing = sorted(op for op in operations - exceptions if op not in covered)
    assert missing == [], f"operations without a command: {missing}"
    assert not exceptions - operations, "an exception names an operation the server no longer has"
    assert not exceptions & set(covered), "an exception has a command after all: drop it from NO_COMMAND"


def test_the_route_finder_reads_help_texts() -> None:
    text = "Show (GET/PUT /admin/v1/users/<username>/ip-allowlist). Then POST /sim/v1/x/<id>/respond."
    assert _routes_in(text) == {
        ("get", "/admin/v1/users/{}/ip-allowlist"),
        ("put", "/admin/v1/users/{}/ip-allowlist"),
        ("post", "/sim/v1/x/{}/respond"),
    }


@pytest.mark.parametrize("command", ["serve", "gateway"])
def test_the_server_commands_name_where_their_data_and_redis_are_by_default(
    runner: CliRunner, command: str
) -> None:
    """An operator reading ``--help`` learned that --data-dir reads SLS_DATA_DIR, not which folder it is
    unset, and ``sls gateway`` called its Redis default "embedded" with none of the URL forms ``sls serve``
    lists."""
    from sls_server.config import Settings

    shown = " ".join(runner.invoke(cli, [command, "--help"], terminal_width=1000).output.split())
    assert f"[env var: SLS_DATA_DIR; default: {Settings.data_dir}]" in shown, shown
    forms = "redis://, rediss://, unix://, redis+sentinel:// or redis+cluster:// URL of the Redis to use."
    assert forms in shown, shown
    assert "default: an embedded redis-server with its data in the data dir]" in shown, shown

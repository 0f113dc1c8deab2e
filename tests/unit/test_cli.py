"""``sls`` in process with click's runner: offline commands, help, config and start-up errors."""

from __future__ import annotations

import json
import socket
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from sls_server.cli import demofile
from sls_server.cli.main import cli
from sls_server.cli.output import mask_url
from sls_server.cli.serve import worker_config
from sls_server.config import load_settings

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "ocra_qn06_derived.json").read_text())
CARD_VECTORS = [v for v in VECTORS["vectors"] if v["suite"] == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"]
KEY_HEX = VECTORS["key_hex"]
PIN = VECTORS["pin"]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner in a clean environment: no SLS_* from the developer's shell, an empty data dir."""
    import os

    for name in [n for n in os.environ if n.startswith("SLS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def sls(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(cli, list(args), env=env, prog_name="sls")


def assert_one_line_error(result: Result, *needles: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.output


# --- device respond ------------------------------------------------------------------------------------


def test_the_derived_vectors_are_the_card_suite() -> None:
    assert len(CARD_VECTORS) >= 4
    assert all(v["key_hex"] == KEY_HEX for v in CARD_VECTORS)


@pytest.mark.parametrize("vector", CARD_VECTORS, ids=lambda v: v["question"])
def test_respond_prints_the_cards_response(runner: CliRunner, vector: dict[str, str]) -> None:
    result = sls(
        runner, "device", "respond", "--secret-hex", KEY_HEX, "--pin", PIN, "--challenge", vector["question"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == vector["expected"] + "\n"


@pytest.mark.parametrize("vector", CARD_VECTORS, ids=lambda v: v["question"])
def test_respond_json(runner: CliRunner, vector: dict[str, str]) -> None:
    result = sls(
        runner,
        "device",
        "respond",
        "--secret-hex",
        KEY_HEX.upper(),
        "--pin",
        PIN,
        "--challenge",
        vector["question"],
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "response": vector["expected"],
        "challenge": vector["question"],
        "suite": vector["suite"],
    }


def test_respond_with_another_pin_gives_another_response(runner: CliRunner) -> None:
    vector = CARD_VECTORS[0]
    result = sls(
        runner,
        "device",
        "respond",
        "--secret-hex",
        KEY_HEX,
        "--pin",
        "4321",
        "--challenge",
        vector["question"],
    )
    assert result.exit_code == 0
    answer = result.stdout.strip()
    assert len(answer) == 8 and answer.isdigit() and answer != vector["expected"]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--secret-hex", "not-hex-at-all"),
        ("--secret-hex", KEY_HEX[:40]),  # 20 bytes: an RFC 4226 key, not a DSC+ key
        ("--secret-hex", KEY_HEX + "00"),
        ("--pin", "123"),
        ("--pin", "12345"),
        ("--pin", "12a4"),
        ("--pin", "\uff11\uff12\uff13\uff14"),  # fullwidth digits: the card's keypad has none
        ("--challenge", "12345"),
        ("--challenge", "1234567"),
        ("--challenge", "12a456"),
        ("--challenge", ""),
    ],
)
def test_respond_rejects_bad_input_naming_the_option(runner: CliRunner, option: str, value: str) -> None:
    args = {"--secret-hex": KEY_HEX, "--pin": PIN, "--challenge": "123456", option: value}
    result = sls(runner, "device", "respond", *[x for pair in args.items() for x in pair])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert_one_line_error(result, option)


def test_respond_requires_its_options(runner: CliRunner) -> None:
    result = sls(runner, "device", "respond", "--pin", PIN, "--challenge", "123456")
    assert result.exit_code == 2
    assert "--secret-hex" in result.stderr


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
        ("user", "add"),
        ("device", "enroll"),
        ("device", "list"),
        ("device", "revoke"),
        ("device", "respond"),
        ("clock",),
        ("config",),
    ]:
        assert expected in ALL_COMMANDS


def test_top_level_help(runner: CliRunner) -> None:
    result = sls(runner, "--help")
    assert result.exit_code == 0
    for name in ("serve", "demo", "user", "device", "clock", "config"):
        assert name in result.stdout


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_each_command_has_help_with_an_example(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = sls(runner, *path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: sls " + " ".join(path) in result.stdout
    command = cli
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    if not isinstance(command, click.Group):
        assert "Example" in result.stdout
        assert "--json" in result.stdout


def test_version(runner: CliRunner) -> None:
    from importlib.metadata import version

    result = sls(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"sls {version('sls-emulator')}"


# --- config --------------------------------------------------------------------------------------------


def test_config_json_lists_the_keys_with_defaults(runner: CliRunner) -> None:
    result = sls(runner, "config", "--json")
    assert result.exit_code == 0, result.output
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert {"SLS_REDIS_URL", "SLS_CHALLENGE_TTL", "SLS_DATA_DIR", "SLS_ADMIN_TOKEN"} <= set(entries)
    assert {"SLS_HOST", "SLS_PORT", "SLS_WORKERS", "SLS_URL"} <= set(entries)
    assert entries["SLS_CHALLENGE_TTL"]["default"] == "300"
    assert entries["SLS_CHALLENGE_TTL"]["source"] == "default"
    assert entries["SLS_CHALLENGE_TTL"]["description"]


def test_config_shows_environment_values_and_hides_secrets(runner: CliRunner) -> None:
    token = "a-very-secret-admin-token-42"
    key = "ab" * 32
    env = {
        "SLS_CHALLENGE_TTL": "120",
        "SLS_ADMIN_TOKEN": token,
        "SLS_SECRET_KEY": key,
        "SLS_REDIS_URL": "redis://:hunter2hunter2@redis.example:6379/0",
    }
    for args in (("config", "--json"), ("config",)):
        result = sls(runner, *args, env=env)
        assert result.exit_code == 0, result.output
        for secret in (token, key, "hunter2hunter2"):
            assert secret not in result.output
    entries = {e["name"]: e for e in json.loads(sls(runner, "config", "--json", env=env).stdout)}
    assert entries["SLS_CHALLENGE_TTL"] == {**entries["SLS_CHALLENGE_TTL"], "value": "120", "source": "env"}
    assert entries["SLS_REDIS_URL"]["value"] == "redis://:***@redis.example:6379/0"


def test_config_flags_a_value_serve_would_refuse(runner: CliRunner) -> None:
    result = sls(runner, "config", "--json", env={"SLS_CHALLENGE_TTL": "9999"})
    assert result.exit_code == 0
    entry = next(e for e in json.loads(result.stdout) if e["name"] == "SLS_CHALLENGE_TTL")
    assert "600" in entry["error"]


# --- start-up errors -----------------------------------------------------------------------------------


def test_serve_with_a_bad_environment_value_exits_2_in_one_line(runner: CliRunner) -> None:
    result = sls(runner, "serve", "--port", "0", env={"SLS_CHALLENGE_TTL": "9999"})
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "SLS_CHALLENGE_TTL", "9999")


@pytest.mark.parametrize(
    ("env", "key"),
    [
        ({"SLS_SECRET_KEY": "abcd"}, "SLS_SECRET_KEY"),
        ({"SLS_HASH_PROFILE": "fastest"}, "SLS_HASH_PROFILE"),
        ({"SLS_REDIS_URL": "http://localhost:6379"}, "SLS_REDIS_URL"),
        ({"SLS_IDLE_TIMEOUT": "3600", "SLS_ABSOLUTE_TIMEOUT": "600"}, "SLS_ABSOLUTE_TIMEOUT"),
    ],
)
def test_serve_and_demo_refuse_bad_config(runner: CliRunner, env: dict[str, str], key: str) -> None:
    for command in ("serve", "demo"):
        result = sls(runner, command, "--port", "0", env=env)
        assert result.exit_code == 2, result.output
        assert_one_line_error(result, key)


def test_serve_refuses_a_bad_redis_url_option(runner: CliRunner) -> None:
    result = sls(runner, "serve", "--port", "0", "--redis-url", "localhost:6379")
    assert result.exit_code == 2
    assert_one_line_error(result, "SLS_REDIS_URL")


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_in_use_is_refused_before_anything_changes(
    runner: CliRunner, tmp_path: Path, command: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = sls(runner, command, "--port", str(port))
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "--port", str(port), "in use")
    assert not (tmp_path / "data").exists()  # no secret generated, no Redis started, no demo wiped


def test_an_unknown_host_is_refused(runner: CliRunner) -> None:
    result = sls(runner, "serve", "--host", "no-such-host.invalid", "--port", "0")
    assert result.exit_code == 2
    assert_one_line_error(result, "--host", "no-such-host.invalid")


def test_worker_config_survives_the_hand_over(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "data_dir": tmp_path,
            "secret_key": "11" * 32,
            "admin_token": "x" * 20,
            "redis_url": "redis://127.0.0.1:1/0",
            "challenge_ttl": 120,
        },
        environ={},
    )
    config = worker_config(settings)
    assert config["SECRET_KEY"] == "11" * 32 and config["DATA_DIR"] == str(tmp_path)
    assert load_settings(config, environ={"SLS_CHALLENGE_TTL": "9999"}) == settings


# --- admin commands without a server ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "args",
    [
        ("user", "add", "carol", "--password", "plum-sketch-harbour-9"),
        ("device", "list", "alice"),
        ("device", "enroll", "alice", "--pin", "1234"),
        ("device", "revoke", "alice", "dscplus-00"),
        ("clock",),
    ],
)
def test_admin_commands_say_when_no_server_answers(runner: CliRunner, args: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = sls(runner, *args, "--url", url, "--admin-token", "t" * 20)
    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no server at {url}", "sls demo")


def test_admin_commands_find_the_demo_server(runner: CliRunner, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    demofile.write(tmp_path / "data", {"url": url, "admin_token": "t" * 20})
    result = sls(runner, "clock")
    assert result.exit_code == 1
    assert f"no server at {url}" in result.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("clock", "--advance", "15m", "--set-at", "0"), "--advance"),
        (("clock", "--advance", "soon"), "--advance"),
        (("clock", "--set-at", "tomorrow"), "--set-at"),
        (("device", "enroll", "alice"), "--pin"),
    ],
)
def test_admin_commands_check_options_first(runner: CliRunner, args: tuple[str, ...], option: str) -> None:
    result = sls(runner, *args, "--url", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, option)


def test_user_add_prompts_twice_for_a_hidden_password(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    typed = "plum-sketch-9\nplum-sketch-9\n"
    result = runner.invoke(cli, ["user", "add", "carol", "--url", url], input=typed)
    assert "plum-sketch-9" not in result.output  # hidden input is not echoed
    assert "Password: " in result.output and "Repeat for confirmation: " in result.output
    assert f"no server at {url}" in result.stderr  # it got as far as calling the server


def test_user_add_refuses_two_different_passwords(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    typed = "plum-sketch-9\nplum-sketch-8\n"
    result = runner.invoke(cli, ["user", "add", "carol", "--url", url], input=typed)
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert "no server" not in result.output  # nothing was sent


# --- small pieces -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://user:s3cret@host/1", "rediss://user:***@host/1"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        (None, None),
    ],
)
def test_mask_url(url: str | None, shown: str | None) -> None:
    assert mask_url(url) == shown


def test_demo_file_is_private(tmp_path: Path) -> None:
    written = demofile.write(tmp_path / "d", {"admin_token": "t" * 20})
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert demofile.read(tmp_path / "d") == {"admin_token": "t" * 20}
    assert demofile.read(tmp_path / "missing") is None

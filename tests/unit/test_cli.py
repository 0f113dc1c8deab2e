"""``sls`` in process with click's runner: offline commands, help, config and start-up errors."""

from __future__ import annotations

import json
import re
import socket
import stat
from pathlib import Path
from typing import Any

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
        ("world",),
        ("login",),
        ("switch",),
        ("answer",),
        ("stepup",),
        ("whoami",),
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
        (("device", "enroll", "alice", "--type", "ibkey"), "--platform"),
        (("device", "enroll", "alice", "--type", "sms", "--pin", "1234"), "--pin"),
        (("device", "enroll", "alice", "--type", "dscplus", "--pin", "1234", "--digits", "8"), "--digits"),
        (("device", "enroll", "alice", "--type", "totp", "--days", "2"), "--days"),
        (("device", "enroll", "alice", "--type", "sms", "--qr"), "--qr"),
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


# --- device types, TOTP options ------------------------------------------------------------------------


def test_enroll_type_is_a_choice_of_the_servers_types(runner: CliRunner, app: Any) -> None:
    from sls_server.cli.device_commands import DEVICE_TYPES

    with app.app_context():
        known = app.extensions["sls"].factors.types()
    assert sorted(DEVICE_TYPES) == sorted(known)
    result = sls(runner, "device", "enroll", "alice", "--type", "bogus", "--url", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "'bogus' is not one of" in result.stderr
    for name in DEVICE_TYPES:
        assert name in result.stderr  # the choices are in the error, and in --help
    assert "dscplus|ibkey|sms|voice|totp|temporary" in sls(runner, "device", "enroll", "--help").stdout


def test_enroll_offers_the_totp_options(runner: CliRunner) -> None:
    shown = sls(runner, "device", "enroll", "--help").stdout
    for option in ("--digits [6|8]", "--algorithm [sha1|sha256|sha512]", "--period INTEGER RANGE", "--qr"):
        assert option in shown
    bad = sls(runner, "device", "enroll", "alice", "--type", "totp", "--period", "10")
    assert bad.exit_code == 2 and "--period" in bad.stderr


# --- output when stdout is no terminal -------------------------------------------------------------------


LONG_URI = "otpauth://totp/sls-emulator:someone-with-a-long-name?secret=" + "A" * 52 + "&issuer=sls-emulator"


def a_world(tmp_path: Path) -> dict[str, Any]:
    info = {
        "url": "http://127.0.0.1:9",
        "admin_token": "t" * 43,
        "demo_file": str(tmp_path / "data" / "demo.json"),
        "limits": {"SLS_PUSH_LIMIT": {"value": 20, "default": 3}},
        "users": {
            "totp-tom": {
                "username": "totp-tom",
                "password": "cobalt-fern-summit-6",
                "phone": "+15555550106",
                "shows": "an authenticator app, described at a length to wrap in any 80-column table",
                "devices": [{"type": "totp", "device_id": "totp-0123456789ab", "otpauth_uri": LONG_URI}],
            },
            "card-carl": {
                "username": "card-carl",
                "password": "amber-falcon-ridge-12",
                "phone": "+15555550101",
                "shows": "a card",
                "devices": [
                    {
                        "type": "dscplus",
                        "device_id": "dscplus-0123456789ab",
                        "pin": "1234",
                        "secret_hex": KEY_HEX,
                    }
                ],
            },
        },
        "try": [{"title": "A card", "commands": ["sls login card-carl --password amber-falcon-ridge-12"]}],
    }
    demofile.write(tmp_path / "data", info)
    return info


def test_tables_are_neither_wrapped_nor_cut_when_stdout_is_no_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    """CliRunner's stdout is no terminal: each row stays on one line, whole, and secrets are whole."""
    a_world(tmp_path)
    result = sls(runner, "world")
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    lines = result.stdout.splitlines()
    tom = [line for line in lines if "cobalt-fern-summit-6" in line]
    assert len(tom) == 1, result.stdout  # the user's row, on one line
    for whole in ("+15555550106", "at a length to wrap in any 80-column table"):
        assert whole in tom[0]
    devices = [line for line in lines if "totp-0123456789ab" in line and "otpauth" not in line]
    assert len(devices) == 1 and "totp-tom" in devices[0]  # the device's row, its id whole
    assert any(line.endswith(LONG_URI) for line in lines)  # the one-time URI on a line of its own, whole
    assert any(line.endswith(KEY_HEX) for line in lines)
    assert "sls login card-carl --password amber-falcon-ridge-12" in result.stdout
    assert "SLS_PUSH_LIMIT=20 (default 3)" in result.stdout


def test_sls_config_rows_are_not_wrapped_when_piped(runner: CliRunner) -> None:
    result = sls(runner, "config")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if "SLS_LOCKOUT_KNOWN_IPS" in line)
    assert "lockout-as-DoS mitigation NIST 800-63B permits" in row  # the whole description on its row
    assert "…" not in result.stdout


def test_world_json_is_demo_json(runner: CliRunner, tmp_path: Path) -> None:
    info = a_world(tmp_path)
    result = sls(runner, "world", "--json")
    assert json.loads(result.stdout) == info


def test_world_without_a_demo_says_how_to_get_one(runner: CliRunner) -> None:
    result = sls(runner, "world")
    assert result.exit_code == 1
    assert_one_line_error(result, "no demo world", "sls demo")


def test_a_fields_table_folds_long_values_on_a_narrow_terminal() -> None:
    """On a terminal narrower than a value, the value folds onto the next line; it never loses its end."""
    from rich.console import Console

    from sls_server.cli.output import fields_table

    console = Console(width=40, record=True, highlight=False)
    console.print(fields_table("t", {"a_rather_long_field_name": "x" * 70 + "END"}))
    text = console.export_text()
    assert "a_rather_long_field_name" in text and "…" not in text
    assert "".join(text.split()).count("x" * 70 + "END") == 1


# --- every admin and simulator operation has a command ----------------------------------------------


#: Operations outside /api/v1 that have no command of their own, and why.
NO_COMMAND = {
    ("get", "/metrics"): "Prometheus text for a scraper, not for people: curl $URL/metrics",
}


def _routes_in(text: str) -> set[tuple[str, str]]:
    """Every ``METHOD /path`` (or ``GET/PUT /path``) a help text names, path parameters as ``{}``."""
    found = set()
    for methods, route in re.findall(
        r"\b((?:GET|POST|PUT|DELETE|PATCH)(?:/(?:GET|POST|PUT|DELETE|PATCH))*) (/[^\s,;)]+)", text
    ):
        route = re.sub(r"<[^>]+>", "{}", route.rstrip(".:"))
        found.update((m.lower(), route) for m in methods.split("/"))
    return found


def command_help_texts() -> dict[str, str]:
    texts = {}
    for path in ALL_COMMANDS:
        command: Any = cli
        for name in path:
            command = command.commands[name]
        texts[" ".join(path)] = command.help or ""
    return texts


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
    covered = {route: name for name, text in command_help_texts().items() for route in _routes_in(text)}
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


# --- what sls login keeps ------------------------------------------------------------------------------


def test_kept_logins_are_private_and_per_server(runner: CliRunner, tmp_path: Path) -> None:
    from sls_server.cli import login_state

    login_state.remember("http://a:1", "card-carl", session={"token": "tok-a"})
    login_state.remember("http://b:2", "sms-sam", session={"token": "tok-b"})
    kept = tmp_path / "data" / login_state.FILENAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert login_state.session_token("http://a:1", None, None) == ("card-carl", "tok-a")
    assert login_state.session_token("http://b:2/", None, None) == ("sms-sam", "tok-b")
    assert login_state.session_token("http://a:1", None, "given") == (None, "given")
    login_state.remember("http://a:1", "card-carl", session=None)
    with pytest.raises(click.ClickException, match="no session kept for card-carl"):
        login_state.session_token("http://a:1", None, None)
    result = sls(runner, "whoami", "--url", "http://c:3")
    assert result.exit_code == 2
    assert_one_line_error(result, "no login kept", "sls login")

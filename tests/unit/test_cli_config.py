"""``sls config``, and the start-up errors of ``sls serve`` and ``sls demo``: one line, exit 2, nothing
changed."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

from sls_server.cli.serve_run import worker_config
from sls_server.config import load_settings

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


def test_config_shows_the_url_demo_json_gives_as_in_effect(runner: CliRunner, tmp_path: Path) -> None:
    """Every command goes to demo.json's url when SLS_URL is unset; the table said only "demo.json's url,
    else http://127.0.0.1:8000", not the value in effect."""
    from sls_server.cli import demofile

    demofile.write(tmp_path / "data", {"url": "http://127.0.0.1:18123", "admin_token": "t" * 20})
    entries = {e["name"]: e for e in json.loads(sls(runner, "config", "--json").stdout)}
    assert entries["SLS_URL"]["value"] == "http://127.0.0.1:18123"
    assert entries["SLS_URL"]["source"] == "demo.json"


def test_config_shows_what_the_demo_runs_with_beside_this_environments_value(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trainer checking the push limit before a push-bombing demo was shown 3 (this environment's) while
    the demo ran with 20: demo.json records what the demo runs with, and the table says it too."""
    from sls_server.cli import demofile

    ran = {"SLS_PUSH_LIMIT": "20", "SLS_TRUSTED_PROXIES": "127.0.0.1/32"}
    demofile.write(tmp_path / "data", {"url": "http://127.0.0.1:18123", "settings": ran})
    monkeypatch.setenv("SLS_SMS_SEND_LIMIT", "7")  # set here, where the demo runs the default
    entries = {e["name"]: e for e in json.loads(sls(runner, "config", "--json").stdout)}
    assert entries["SLS_PUSH_LIMIT"]["value"] == "3" and entries["SLS_PUSH_LIMIT"]["demo"] == "20"
    assert entries["SLS_TRUSTED_PROXIES"]["demo"] == "127.0.0.1/32"
    assert entries["SLS_SMS_SEND_LIMIT"]["value"] == "7"
    assert entries["SLS_SMS_SEND_LIMIT"]["demo"] == entries["SLS_SMS_SEND_LIMIT"]["default"]
    assert "demo" not in entries["SLS_CHALLENGE_TTL"]  # the same for both: said once
    assert "demo" not in entries["SLS_ADMIN_TOKEN"] and "demo" not in entries["SLS_REDIS_URL"]
    table = sls(runner, "config").stdout
    assert "(the demo: 20)" in table


def test_config_says_nothing_of_a_stopped_demos_settings(runner: CliRunner, tmp_path: Path) -> None:
    """demo.json stays when its demo stops: "the demo: 20" beside the push limit then named no server's."""
    import subprocess
    import sys

    from sls_server.cli import demofile

    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    ran = {"url": "http://127.0.0.1:18123", "settings": {"SLS_PUSH_LIMIT": "20"}, "pid": int(done.stdout)}
    demofile.write(tmp_path / "data", ran)
    entries = {e["name"]: e for e in json.loads(sls(runner, "config", "--json").stdout)}
    assert "demo" not in entries["SLS_PUSH_LIMIT"] and entries["SLS_URL"]["source"] == "default"


def test_config_piped_keeps_each_row_on_one_line_and_a_long_value_whole(
    runner: CliRunner, tmp_path: Path
) -> None:
    """cli.md: off a terminal, tables come out one row per line, never wrapped or cut. `sls config | less`
    folded the value column at 40 characters, breaking the data folder's path in two."""
    data_dir = str(tmp_path / "a-data-folder-whose-path-is-longer-than-forty-characters")
    result = sls(runner, "config", env={"SLS_DATA_DIR": data_dir})
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "SLS_DATA_DIR" in line]
    assert len(rows) == 1 and data_dir in rows[0], result.stdout
    assert all("SLS_" in line for line in result.stdout.splitlines()[4:-1] if line.strip()), result.stdout


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


@pytest.mark.parametrize("empty", ["", "   "])
def test_config_shows_an_empty_variable_as_unset_as_serve_reads_it(runner: CliRunner, empty: str) -> None:
    """docker-compose passes ``${SLS_ADMIN_TOKEN:-}``: ``sls serve`` generates an empty token and key into the
    data dir, so ``sls config`` must not call them set."""
    env = {
        "SLS_ADMIN_TOKEN": empty,
        "SLS_SECRET_KEY": empty,
        "SLS_SIM_TOKEN": empty,
        "SLS_REDIS_URL": empty,
        "SLS_PORT": "",
    }
    entries = {e["name"]: e for e in json.loads(sls(runner, "config", "--json", env=env).stdout)}
    for name in env:
        assert entries[name]["source"] == "default", entries[name]
        assert entries[name]["value"] == entries[name]["default"], entries[name]
        assert entries[name]["note"] == "the variable is empty"
        assert "error" not in entries[name]
    assert entries["SLS_ADMIN_TOKEN"]["value"] == "(unset)"
    assert "generated into data_dir" in entries["SLS_ADMIN_TOKEN"]["description"]
    table = sls(runner, "config", env=env)
    assert table.exit_code == 0, table.output
    assert "(set, hidden)" not in table.output and "(unset) (the variable is empty)" in table.output
    assert load_settings(environ=env).admin_token is None  # what serve reads: the same


def test_config_still_hides_a_secret_that_is_set(runner: CliRunner) -> None:
    env = {"SLS_ADMIN_TOKEN": "a-very-secret-admin-token-42", "SLS_SIM_TOKEN": "short"}
    entries = {e["name"]: e for e in json.loads(sls(runner, "config", "--json", env=env).stdout)}
    assert entries["SLS_ADMIN_TOKEN"] == {
        **entries["SLS_ADMIN_TOKEN"],
        "value": "(set, hidden)",
        "source": "env",
    }
    assert "note" not in entries["SLS_ADMIN_TOKEN"]
    assert entries["SLS_SIM_TOKEN"]["value"] == "(set, hidden)" and "16" in entries["SLS_SIM_TOKEN"]["error"]


def test_config_hides_the_metrics_token(runner: CliRunner) -> None:
    secret = "a-very-secret-metrics-token-42"
    for args in (("config", "--json"), ("config",)):
        result = sls(runner, *args, env={"SLS_METRICS_TOKEN": secret})
        assert result.exit_code == 0 and secret not in result.output, result.output
    entries = {
        e["name"]: e
        for e in json.loads(sls(runner, "config", "--json", env={"SLS_METRICS_TOKEN": secret}).stdout)
    }
    assert entries["SLS_METRICS_TOKEN"]["value"] == "(set, hidden)"


def test_serve_with_a_short_metrics_token_exits_2_naming_it(runner: CliRunner) -> None:
    result = sls(runner, "serve", "--port", "0", env={"SLS_METRICS_TOKEN": "too-short"})
    assert result.exit_code == 2, result.output
    assert_one_line_error(result, "SLS_METRICS_TOKEN", "16")
    assert "too-short" not in result.output


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

"""``sls`` output: tables neither wrapped nor cut when stdout is no terminal, masked URLs, private files."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from pid_kit import a_dead_pid

from sls_server.cli import demofile
from sls_server.cli.output import mask_url

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "ocra_qn06_derived.json").read_text())
KEY_HEX = VECTORS["key_hex"]


# --- small pieces -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@host:6379/0", "redis://:***@host:6379/0"),
        ("rediss://user:s3cret@host/1", "rediss://user:***@host/1"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        (None, None),
        # redis-py reads a password from the query too: a unix socket's URL has no other place for one
        ("unix:///run/redis.sock?password=s3cret&db=1", "unix:///run/redis.sock?password=***&db=1"),
        ("redis://host:6379/0?password=s3cret", "redis://host:6379/0?password=***"),
        ("rediss://user:s3cret@host/1?password=s3cret", "rediss://user:***@host/1?password=***"),
        ("redis://host/0?db=1&socket_timeout=2", "redis://host/0?db=1&socket_timeout=2"),
        # a Cluster's or Sentinel's list of hosts has no port urlsplit reads: masking raised ValueError, and
        # `sls config` and the start-up banner failed on the URL they were to show
        ("redis+cluster://u:s3cret@h1:7000,h2:7001", "redis+cluster://u:***@h1:7000,h2:7001"),
        (
            "redis+sentinel://:s3cret@s1:26379,s2:26379/mymaster",
            "redis+sentinel://:***@s1:26379,s2:26379/mymaster",
        ),
        ("redis://[::1]:6379/0", "redis://[::1]:6379/0"),
        ("redis://:s3cret@[::1]:6379/0", "redis://:***@[::1]:6379/0"),
    ],
)
def test_mask_url(url: str | None, shown: str | None) -> None:
    assert mask_url(url) == shown


def test_demo_file_is_private(tmp_path: Path) -> None:
    written = demofile.write(tmp_path / "d", {"admin_token": "t" * 20})
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert demofile.read(tmp_path / "d") == {"admin_token": "t" * 20}
    assert demofile.read(tmp_path / "missing") is None


# --- output when stdout is no terminal -------------------------------------------------------------------


LONG_URI = "otpauth://totp/sls-emulator:someone-with-a-long-name?secret=" + "A" * 52 + "&issuer=sls-emulator"


def a_world(tmp_path: Path, **more: Any) -> dict[str, Any]:
    info = {
        **more,
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


def test_world_json_of_a_demo_beyond_loopback_withholds_the_admin_token(
    runner: CliRunner, tmp_path: Path
) -> None:
    """``sls world --json`` on the projected terminal of a demo the class reaches (``--host 0.0.0.0``)
    printed the admin token, which the table and ``sls demo``'s own line withhold there: the whole world but
    the token, which ``--token`` prints alone."""
    info = a_world(tmp_path, host="0.0.0.0")
    result = sls(runner, "world", "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert "admin_token" not in printed and info["admin_token"] not in result.stdout
    assert printed == {key: value for key, value in info.items() if key != "admin_token"}
    assert sls(runner, "world", "--token").stdout == f"{info['admin_token']}\n"


def test_world_left_seeding_by_a_demo_that_died_is_not_still_seeding(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A demo killed mid-seed leaves ``seeding`` in demo.json; ``sls world`` said "still seeding" for ever,
    where the scenario commands and ``sls login --auto`` already saw the mark's process gone."""
    demofile.write(
        demofile.data_dir_from_env(),
        {"url": "http://127.0.0.1:9", "seeding": True, "seeding_pid": a_dead_pid()},
    )
    result = sls(runner, "world")
    assert result.exit_code == 1
    assert "still seeding" not in result.output
    assert_one_line_error(result, "no demo world", "sls demo")


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


def test_events_of_an_unknown_type_leaves_the_type_to_the_server(runner: CliRunner) -> None:
    """The CLI warned of a type of its own accord, then printed the server's 400 saying the same: the type
    is the server's to judge (``tests/e2e/test_cli_events_words.py``), so without one only that is said."""
    typo = sls(runner, "events", "--type", "login.sucess", "--url", "http://127.0.0.1:9")
    assert_one_line_error(typo, "no server at http://127.0.0.1:9")

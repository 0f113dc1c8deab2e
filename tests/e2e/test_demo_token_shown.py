"""``sls demo``'s admin token on the terminal: printed for a developer on loopback, withheld when the server
answers beyond it (a trainer's terminal, projected to a class that reaches the server, is also its log), where
the panel says how the trainer reads it (``sls world --token``, demo.json) and ``--show-token`` prints it
anyway. Real processes, each demo on its own port, data folder and HOME."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest
from over_http_kit import signs_in_to_the_console
from serve_processes import ServerProcess
from test_cli_demo import (
    demo,  # noqa: F401 - the fixture that starts sls demo and waits for its world
    stop,
)
from test_cli_e2e import clean_env, sls

pytestmark = pytest.mark.e2e


def token_of(demo_fixture: Any) -> str:
    """The admin token as demo.json (mode 0600) holds it."""
    demo_file: Path = demo_fixture.data_dir / "demo.json"
    assert stat.S_IMODE(demo_file.stat().st_mode) == 0o600
    token = json.loads(demo_file.read_text())["admin_token"]
    assert isinstance(token, str) and len(token) >= 20
    return token


def whole_output(server: ServerProcess) -> str:
    """Everything the demo wrote (stdout and stderr), once it has stopped."""
    assert stop(server) == 0
    return server.log()


def test_beyond_loopback_the_token_is_withheld_and_read_with_sls_world_token(
    demo: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    server = demo("--host", "0.0.0.0", HOME=str(tmp_path))
    token = token_of(demo)
    env = clean_env(demo.data_dir, HOME=str(tmp_path))
    read = sls("world", "--token", env=env)
    assert read.stdout == f"{token}\n"  # the one command that prints it, alone, for $(...) or a glance
    assert signs_in_to_the_console(server.url, read.stdout.strip())
    again = sls("world", env=env)  # reprinting the world for the class withholds it too
    assert token not in again.stdout + again.stderr and "sls world --token" in again.stdout
    assert "card-carl" in again.stdout  # the passwords the trainees log in with are still there
    as_json = sls("world", "--json", env=env)  # and so does its JSON, the table's twin
    assert token not in as_json.stdout + as_json.stderr and "card-carl" in json.loads(as_json.stdout)["users"]
    output = whole_output(server)
    assert token not in output
    assert "not shown: the server answers beyond loopback (0.0.0.0)" in output
    assert "sls world --token" in output and "--show-token" in output
    assert str(demo.data_dir / "demo.json") in output.replace("\n", "")


def test_beyond_loopback_by_sls_host_the_json_line_has_no_token(
    demo: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    server = demo("--json", SLS_HOST="0.0.0.0", HOME=str(tmp_path))
    token = token_of(demo)
    output = whole_output(server)
    assert token not in output
    printed = next(json.loads(line) for line in output.splitlines() if line.startswith('{"url"'))
    assert "admin_token" not in printed and printed["demo_file"] == str(demo.data_dir / "demo.json")
    assert printed["users"]["card-carl"]["password"]  # the trainees' side is all there


def test_show_token_prints_it_beyond_loopback(demo: Any, tmp_path: Path) -> None:  # noqa: F811
    server = demo("--host", "0.0.0.0", "--show-token", HOME=str(tmp_path))
    token = token_of(demo)
    assert token in whole_output(server)


def test_on_loopback_the_token_is_printed_as_before(demo: Any, tmp_path: Path) -> None:  # noqa: F811
    server = demo("--host", "127.0.0.1", HOME=str(tmp_path))
    token = token_of(demo)
    env = clean_env(demo.data_dir, HOME=str(tmp_path))
    assert token in sls("world", env=env).stdout
    assert sls("world", "--token", env=env).stdout == f"{token}\n"
    assert token in whole_output(server)


SIM_TOKEN = "trainer-only-sim-token-42"


def test_beyond_loopback_the_sim_token_is_withheld_and_read_with_sls_world_sim_token(
    demo: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    """``SLS_SIM_TOKEN`` keeps the simulated devices for the trainer alone while the class plays the attacker:
    printed on the projected terminal, it handed every trainee the phones and cards it was set to keep."""
    server = demo("--host", "0.0.0.0", SLS_SIM_TOKEN=SIM_TOKEN, HOME=str(tmp_path))
    env = clean_env(demo.data_dir, HOME=str(tmp_path))
    assert sls("world", "--sim-token", env=env).stdout == f"{SIM_TOKEN}\n"
    again = sls("world", env=env)
    assert SIM_TOKEN not in again.stdout + again.stderr and "sls world --sim-token" in again.stdout
    as_json = sls("world", "--json", env=env)
    assert SIM_TOKEN not in as_json.stdout and "sim_token" not in json.loads(as_json.stdout)
    output = whole_output(server)
    assert SIM_TOKEN not in output
    assert "sls world --sim-token" in output


def test_on_loopback_the_sim_token_is_printed_as_before(demo: Any, tmp_path: Path) -> None:  # noqa: F811
    server = demo("--host", "127.0.0.1", SLS_SIM_TOKEN=SIM_TOKEN, HOME=str(tmp_path))
    env = clean_env(demo.data_dir, HOME=str(tmp_path))
    assert SIM_TOKEN in sls("world", env=env).stdout
    assert SIM_TOKEN in whole_output(server)

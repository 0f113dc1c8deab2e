"""``sls gateway-state`` without --url beside several gateways running on one data folder: it talks to the
newest (the one ``<data dir>/gateway.json`` names last) and says so on stderr, naming the others and
``--url`` to pick one.

QA: it picked the newest silently: a tester who had started a second gateway on another port staged a drop
on it while watching the first, and saw nothing happen."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ADMIN_TOKEN
from flask import Flask
from gateway_cli import served_gateway  # noqa: F401  (the served fixture)

from sls_server import create_app
from sls_server.cli import demofile, gateway_file
from sls_server.cli.main import cli


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


@pytest.fixture
def older_gateway() -> Iterator[int]:
    """A process still running: the pid of the gateway started first (the file's ``before``)."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield child.pid
    child.communicate(timeout=30)


def free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def gateway_state(data_dir: Path, *args: str) -> Any:
    env = {n: None for n in os.environ if n.startswith("SLS_")}
    env |= {"SLS_DATA_DIR": str(data_dir), "SLS_ADMIN_TOKEN": ADMIN_TOKEN}
    return CliRunner().invoke(cli, ["gateway-state", *args], env=env, prog_name="sls")


def test_several_gateways_on_the_data_folder_it_says_which_one_it_shows(
    served: str, older_gateway: int, tmp_path: Path
) -> None:
    data_dir, older = tmp_path / "data", free_url()
    listed = {"url": served, "pid": os.getpid(), "before": [{"url": older, "pid": older_gateway}]}
    demofile.write_private_json(data_dir / gateway_file.GATEWAY_FILE, listed)
    shown = gateway_state(data_dir, "status", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["session"] is None  # the newest's answer, stdout JSON alone
    said = " ".join(shown.stderr.split())
    assert f"2 gateways run on the data folder {data_dir}" in said, said
    assert f"the newest, {served} (pid {os.getpid()})" in said, said
    assert f"{older} (pid {older_gateway}): pass --url" in said, said


def test_one_gateway_on_the_data_folder_is_used_without_a_word(served: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    demofile.write_private_json(data_dir / gateway_file.GATEWAY_FILE, {"url": served, "pid": os.getpid()})
    shown = gateway_state(data_dir, "status")
    assert shown.exit_code == 0 and shown.stderr == "", shown.output

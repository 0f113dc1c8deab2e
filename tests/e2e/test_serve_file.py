"""A real ``sls serve`` says where it listens in its data folder (serve.json), so the commands started
after ``sls serve --port N`` find it without --url, and leaves the file when it stops."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, stop_server

pytestmark = pytest.mark.e2e


def test_commands_without_url_reach_the_running_serve_until_it_stops(
    sls_serve: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = sls_serve(workers=1)
    data_dir = tmp_path / "serve-data"
    said = json.loads((data_dir / "serve.json").read_text())
    assert (said["url"], said["pid"]) == (server.url, server.process.pid)
    env = {k: v for k, v in os.environ.items() if k != "SLS_URL"}
    env.update(SLS_DATA_DIR=str(data_dir), SLS_ADMIN_TOKEN=ADMIN_TOKEN)
    command = [sys.executable, "-m", "sls_server.cli.main", "status", "--json"]
    found = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert found.returncode == 0, found.stderr
    stop_server(server)
    assert not (data_dir / "serve.json").exists()

"""``sls world`` reads demo.json, which outlives its world: after ``sls wipe`` (or with the demo stopped) it
printed every user and password as if they could still log in. It now says, on stderr, when the server no
longer holds them, or when no server answers at the world's URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

from sls_server.cli import demofile
from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e


def _world(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    users = {name: {"username": name, "password": "p", "devices": []} for name in ("ghost-gus", "ghost-gil")}
    demofile.write(tmp_path / "data", {"url": url, "admin_token": ADMIN_TOKEN, "users": users})
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLS_")} | {
        "SLS_DATA_DIR": str(tmp_path / "data")
    }
    command = [sys.executable, "-m", "sls_server.cli.main", "world"]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env, check=False)


def test_a_world_the_server_no_longer_holds_is_said_to_be_gone(plain_server, tmp_path: Path) -> None:
    server: ServerProcess = plain_server
    shown = _world(tmp_path, server.url)
    assert shown.returncode == 0 and "ghost-gus" in shown.stdout
    said = " ".join(shown.stderr.split())
    assert "2 of this world's 2 users are no longer on the server (ghost-gil, ghost-gus)" in said, said
    # after `sls wipe` the demo world the server keeps is one command away (docs/trainers.md): say which
    assert "`sls state restore-demo` puts back the world `sls demo` kept" in said, said


def test_a_world_whose_server_is_stopped_says_so(tmp_path: Path) -> None:
    shown = _world(tmp_path, f"http://127.0.0.1:{free_port()}")
    assert shown.returncode == 0 and "ghost-gus" in shown.stdout
    assert "no server answers at" in " ".join(shown.stderr.split()) and "sls demo --keep" in shown.stderr

"""Real ``sls serve`` processes and the records the commands find them by: a record read outside the pid
namespace it was written in (a containerised server with its data folder mounted) names the server that
still answers at its URL, since that server says the same run (``instance_id``) as the record; a record
whose server was replaced by another run on the same port does not name the new one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, stop_server

from sls_server.cli import demofile, listen_file

pytestmark = pytest.mark.e2e

ELSEWHERE = "another-boot:4:4026531836"  # as read by an sls outside the container the server ran in


def status(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """``sls status --json`` with no --url, no token given: the data folder's records decide."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLS_")}
    env["SLS_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "sls_server.cli.main", "status", "--json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def instance_at(url: str) -> str:
    answer = requests.get(f"{url}/healthz", headers={"Connection": "close"}, timeout=10).json()
    return str(answer["instance_id"])


def from_elsewhere(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "pid_namespace": ELSEWHERE}


def test_a_record_from_another_namespace_names_its_run_and_not_the_next(
    sls_serve: Callable[..., ServerProcess],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = sls_serve(workers=2)
    record = json.loads((tmp_path / "serve-data" / listen_file.SERVE_FILE).read_text())
    run = record["instance_id"]
    assert {instance_at(first.url) for _ in range(8)} == {run}  # every worker says the run its record names
    assert requests.get(f"{first.url}/readyz", timeout=10).json() == {"status": "ready", "instance_id": run}

    serve_dir, demo_dir = tmp_path / "serve-elsewhere", tmp_path / "demo-elsewhere"
    demofile.write_private_json(serve_dir / listen_file.SERVE_FILE, {**from_elsewhere(record), "before": []})
    demo = {"url": first.url, "admin_token": ADMIN_TOKEN, **from_elsewhere(record)}
    demofile.write(demo_dir, demo)
    for data_dir in (serve_dir, demo_dir):
        found = status(data_dir)
        assert found.returncode == 0, found.stderr
        assert json.loads(found.stdout)["url"] == first.url and "not used" not in found.stderr

    port = int(first.url.rsplit(":", 1)[1])
    stop_server(first)
    second = sls_serve(workers=1, port=port)  # another run, on the same port
    assert second.url == first.url and instance_at(second.url) != run
    for data_dir in (serve_dir, demo_dir):
        skipped = status(data_dir)
        assert skipped.returncode != 0 and "no server at http://127.0.0.1:8000" in skipped.stderr, skipped
    monkeypatch.setenv("SLS_DATA_DIR", str(demo_dir))  # as the scenario commands look for the demo's server
    assert demofile.naming(first.url) is None
    said = " ".join(capsys.readouterr().err.split())
    assert (
        f"demo.json not used for {first.url}: the sls demo that wrote it (pid {record['pid']}) no longer "
        f"serves at {first.url}: another server answers there now" in said
    ), said

"""``sls scenario demo`` plays on the running demo that demo.json names: one stopped since, whose port
another server answers on now, was taken for it (its healthz answered), and that server got the stopped
demo's admin token and the scenario. demo.json names its demo's process (``pid``): a gone one is no demo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pid_kit import a_dead_pid
from serve_processes import ServerProcess, fresh

from sls_server.cli import demofile
from sls_server.cli.scenario_server import running_demo


def test_a_demo_whose_process_is_gone_is_not_running_though_its_port_answers(
    demo_server: ServerProcess, redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, data_dir = fresh(demo_server, redis_url), tmp_path / "data"
    monkeypatch.setenv("SLS_DATA_DIR", str(data_dir))
    record = {"url": server.url, "admin_token": "a-stopped-demos-token-0123456789"}
    demofile.write(data_dir, {**record, "pid": a_dead_pid()})
    assert running_demo() is None
    demofile.write(data_dir, {**record, "pid": os.getpid()})
    assert running_demo() == record

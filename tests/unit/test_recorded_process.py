"""Which process demo.json, serve.json and gateway.json name, and whether it still runs
(``recorded_process``).

A pid alone said too little: the system gives a stopped process's pid to another one later, so a demo stopped
long ago was still "running" once its pid was taken, and the server then answering on its port was taken for
it (its settings, tokens and world applied there); and a pid written in another container (or before this
machine restarted) names another process here, if any. A record names its process's pid namespace and start
too, where /proc says them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from pid_kit import a_dead_pid

from sls_server.cli import demofile, listen_file, recorded_process
from sls_server.store.embedded import free_port

DEMO = "http://127.0.0.1:18000"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path))
    return tmp_path


def this_process_started_earlier() -> dict[str, Any]:
    """This process's record, but for a process that had its pid before (it started a tick earlier)."""
    record = recorded_process.this_process()
    return {**record, "pid_started": record["pid_started"] - 1}


def test_a_record_names_this_process_by_its_pid_namespace_and_start() -> None:
    record = recorded_process.this_process()
    assert record["pid"] == os.getpid() and record["pid_namespace"] == recorded_process.namespace()
    assert isinstance(record["pid_started"], int) and not recorded_process.gone(record)


def test_a_demo_whose_pid_another_process_has_now_is_not_the_demo(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demofile.write(
        data_dir, {"url": DEMO, "settings": {"SLS_PUSH_LIMIT": "20"}, **this_process_started_earlier()}
    )
    assert demofile.naming(DEMO) is None
    assert demofile.naming(DEMO) is None
    said = " ".join(capsys.readouterr().err.split())
    assert said.count("demo.json not used") == 1, said  # once a command, however often it looks
    assert f"(pid {os.getpid()}) has stopped (another process has its pid now)" in said, said


def test_a_demo_written_in_another_pid_namespace_is_not_taken_for_running(data_dir: Path) -> None:
    """An sls outside the container the demo ran in (or after a restart): its pid says nothing here."""
    demofile.write(data_dir, {"url": DEMO, "pid": os.getpid(), "pid_namespace": "another-boot:4:4026531836"})
    assert demofile.naming(DEMO) is None


def test_where_proc_does_not_say_the_pid_alone_decides(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorded_process, "BOOT_ID", data_dir / "no-boot-id")
    assert recorded_process.this_process() == {"pid": os.getpid()}
    demofile.write(data_dir, {"url": DEMO, "pid": os.getpid(), "pid_namespace": "another-boot:4:4026531836"})
    assert demofile.naming(DEMO) is not None
    demofile.write(data_dir, {"url": DEMO, "pid": a_dead_pid()})
    assert demofile.naming(DEMO) is None


def test_a_running_demo_and_one_an_older_sls_recorded_are_the_demo(data_dir: Path) -> None:
    demofile.write(data_dir, {"url": DEMO, **recorded_process.this_process()})
    assert demofile.naming(DEMO) is not None
    demofile.write(data_dir, {"url": DEMO, "pid": os.getpid()})  # no namespace, no start: the pid alone
    assert demofile.naming(DEMO) is not None
    demofile.write(data_dir, {"url": DEMO})  # no process named: taken at its word
    assert demofile.naming(DEMO) is not None


def test_a_serve_json_whose_pid_another_process_has_now_is_not_trusted(
    runner: CliRunner, tmp_path: Path
) -> None:
    entry = {"url": f"http://127.0.0.1:{free_port()}", "started_at": 1, **this_process_started_earlier()}
    demofile.write_private_json(tmp_path / "data" / listen_file.SERVE_FILE, {**entry, "before": []})
    assert listen_file.running(tmp_path / "data", listen_file.SERVE_FILE) == []
    assert_one_line_error(sls(runner, "status"), "no server at http://127.0.0.1:8000 (")


def test_a_demo_whose_pid_another_process_has_now_sends_no_command_there(
    runner: CliRunner, tmp_path: Path
) -> None:
    demo = f"http://127.0.0.1:{free_port()}"
    demofile.write(
        tmp_path / "data", {"url": demo, "admin_token": "d" * 20, **this_process_started_earlier()}
    )
    assert_one_line_error(sls(runner, "status"), "no server at http://127.0.0.1:8000 (")

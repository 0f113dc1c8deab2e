"""Where the commands go without --url when ``sls serve`` recorded where it listens (``serve.json``, as
``sls demo`` writes demo.json and ``sls gateway`` gateway.json): after ``sls serve --port 8731`` every command
needed --url. A record whose process is gone is not trusted, and the newer of a running ``sls serve`` and
demo.json's demo is the one the commands talk to."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner
from pid_kit import a_dead_pid

from sls_server.cli import demofile, listen_file
from sls_server.store.embedded import free_port


def recorded(data_dir: Path, url: str, *, pid: int | None = None, started_at: int = 2_000_000_000) -> None:
    entry = {"url": url, "pid": os.getpid() if pid is None else pid, "started_at": started_at, "before": []}
    demofile.write_private_json(data_dir / listen_file.SERVE_FILE, entry)


def test_without_url_the_running_sls_serve_is_the_server(runner: CliRunner, tmp_path: Path) -> None:
    serving = f"http://127.0.0.1:{free_port()}"
    recorded(tmp_path / "data", serving)
    result = sls(runner, "status")
    assert result.exit_code == 1, result.output
    assert_one_line_error(result, f"no server at {serving} (")


def test_a_record_whose_process_is_gone_is_not_trusted(runner: CliRunner, tmp_path: Path) -> None:
    recorded(tmp_path / "data", f"http://127.0.0.1:{free_port()}", pid=a_dead_pid())
    result = sls(runner, "status")
    assert_one_line_error(result, "no server at http://127.0.0.1:8000 (")


def test_a_serve_started_after_the_demo_wins_and_a_demo_started_after_it_wins(
    runner: CliRunner, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    demo, serving = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    demofile.write(data_dir, {"url": demo, "admin_token": "d" * 20, "created_at": 1_000})
    recorded(data_dir, serving, started_at=2_000)
    assert_one_line_error(sls(runner, "status"), f"no server at {serving} (")
    demofile.write(data_dir, {"url": demo, "admin_token": "d" * 20, "created_at": 3_000})
    assert_one_line_error(sls(runner, "status"), f"no server at {demo} (")


def test_sls_config_says_where_the_commands_go(runner: CliRunner, tmp_path: Path) -> None:
    serving = f"http://127.0.0.1:{free_port()}"
    recorded(tmp_path / "data", serving)
    rows = json.loads(sls(runner, "config", "--json").stdout)
    (row,) = [r for r in rows if r["name"] == "SLS_URL"]
    assert (row["source"], row["value"]) == ("serve.json", serving), row


def test_a_stopped_server_leaves_the_file_and_a_worker_changes_nothing(tmp_path: Path) -> None:
    listen_file.record(tmp_path, listen_file.SERVE_FILE, "http://127.0.0.1:1", "c" * 32)
    target = tmp_path / listen_file.SERVE_FILE
    said = json.loads(target.read_text())
    assert (said["pid"], said["instance_id"]) == (os.getpid(), "c" * 32)
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    listen_file.forget(tmp_path, listen_file.SERVE_FILE)
    assert not target.exists()


def test_a_stopped_demo_is_skipped_and_a_running_one_is_the_server(runner: CliRunner, tmp_path: Path) -> None:
    """demo.json stays when its demo stops (it holds the world ``sls world`` prints), and was taken as the
    server after it: it names its process now, as serve.json does, and a gone one sends the commands on."""
    data_dir, demo = tmp_path / "data", f"http://127.0.0.1:{free_port()}"
    demofile.write(data_dir, {"url": demo, "admin_token": "d" * 20, "created_at": 1_000, "pid": a_dead_pid()})
    assert_one_line_error(sls(runner, "status"), "no server at http://127.0.0.1:8000 (")
    rows = json.loads(sls(runner, "config", "--json").stdout)
    assert [r["source"] for r in rows if r["name"] == "SLS_URL"] != ["demo.json"]
    demofile.write(data_dir, {"url": demo, "admin_token": "d" * 20, "created_at": 1_000, "pid": os.getpid()})
    assert_one_line_error(sls(runner, "status"), f"no server at {demo} (")


def test_an_older_demo_json_naming_no_process_is_taken_at_its_word(runner: CliRunner, tmp_path: Path) -> None:
    demo = f"http://127.0.0.1:{free_port()}"
    demofile.write(tmp_path / "data", {"url": demo, "admin_token": "d" * 20, "created_at": 1_000})
    assert_one_line_error(sls(runner, "status"), f"no server at {demo} (")

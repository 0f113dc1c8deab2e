"""A record of the data folder (demo.json, serve.json, gateway.json) names its server's run too: the
``instance_id`` that server answers on ``/healthz``. Where the pid says nothing (written in another pid
namespace: a containerised demo whose data folder is mounted here; or /proc unreadable), the record was taken
as gone, and the commands needed --url, though the very server that wrote it answered at its URL. Now its URL
is asked which run answers there: the same, the record is used; another, it is gone; nothing answering, as
before. Where the pid says it is the same process, nothing is asked (``recorded_process``)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from served_kit import handled_over_http, json_over_http, served_over_http

from sls_server.app import create_app
from sls_server.cli import demofile, listen_file, recorded_process
from sls_server.store.embedded import free_port

RUN = "a" * 32
OTHER_RUN = "b" * 32
ELSEWHERE = "another-boot:4:4026531836"  # a pid namespace this process is not in


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLS_DATA_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def server(app_config: dict[str, Any]) -> Iterator[str]:
    """A real server of the run :data:`RUN`, over HTTP."""
    with served_over_http(create_app(app_config, instance_id=RUN)) as url:
        yield url


def from_elsewhere(url: str, instance_id: str = RUN) -> dict[str, Any]:
    """A record written in another pid namespace (its pid, as seen here, this process's or no one's)."""
    return {"url": url, "pid": os.getpid(), "pid_namespace": ELSEWHERE, "instance_id": instance_id}


def test_a_demo_from_another_namespace_is_used_when_its_run_answers_at_its_url(
    data_dir: Path, server: str
) -> None:
    demofile.write(data_dir, {**from_elsewhere(server), "settings": {"SLS_PUSH_LIMIT": "20"}})
    assert demofile.naming(server) is not None
    assert recorded_process.why_gone(from_elsewhere(server)) is None


def test_a_serve_json_from_another_namespace_is_used_when_its_run_answers(
    data_dir: Path, server: str
) -> None:
    entry = {**from_elsewhere(server), "started_at": 1}
    demofile.write_private_json(data_dir / listen_file.SERVE_FILE, {**entry, "before": []})
    assert [e["url"] for e in listen_file.running(data_dir, listen_file.SERVE_FILE)] == [server]


def test_a_record_whose_url_answers_another_run_is_gone_said_once(
    data_dir: Path, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    demofile.write(data_dir, from_elsewhere(server, OTHER_RUN))
    assert demofile.naming(server) is None
    assert demofile.naming(server) is None
    said = " ".join(capsys.readouterr().err.split())
    assert said.count("demo.json not used") == 1, said
    assert f"(pid {os.getpid()}) no longer serves at {server}: another server answers there now" in said, said
    assert RUN not in said and OTHER_RUN not in said  # harmless, but no reader needs them


def test_an_answer_that_names_no_run_is_another_server(data_dir: Path) -> None:
    """A server of an older version (or anything else) at the URL: not the run the record names."""
    with json_over_http({"status": "ok"}) as url:
        assert recorded_process.gone(from_elsewhere(url))


def test_nothing_answering_at_the_url_leaves_the_pid_to_decide_as_before(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    assert recorded_process.gone(from_elsewhere(closed))  # another namespace: out of sight, gone
    monkeypatch.setattr(recorded_process, "BOOT_ID", data_dir / "no-boot-id")  # /proc does not say here
    assert not recorded_process.gone(from_elsewhere(closed))  # the pid alone: this process runs


def test_where_proc_does_not_say_a_url_answering_another_run_outweighs_the_pid(
    data_dir: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorded_process, "BOOT_ID", data_dir / "no-boot-id")
    assert recorded_process.gone(from_elsewhere(server, OTHER_RUN))
    assert not recorded_process.gone(from_elsewhere(server))


def test_a_record_the_pid_confirms_is_used_without_asking(data_dir: Path) -> None:
    """Its process runs (pid, namespace, start): it bound the port before it wrote the record and holds it
    until it ends, so no other server can answer there; asking would cost every command a round trip."""
    asked: list[str] = []

    class Another(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    with handled_over_http(Another) as url:
        record = {"url": url, **recorded_process.this_process(), "instance_id": OTHER_RUN}
        demofile.write(data_dir, record)
        assert demofile.naming(url) is not None and not recorded_process.gone(record)
    assert asked == []


def test_a_starting_server_does_not_ask_its_own_url_about_an_entry_there(data_dir: Path) -> None:
    """``sls serve`` records itself once its port listens, before its workers answer: an entry left at that
    URL (from another namespace) asked there would wait out the timeout on this very server, and name
    nothing either way (the port is this server's)."""
    with socket.create_server(("127.0.0.1", 0)) as listening:  # bound and listening, answering nothing
        url = f"http://127.0.0.1:{listening.getsockname()[1]}"
        left = {**from_elsewhere(url, OTHER_RUN), "started_at": 1}
        demofile.write_private_json(data_dir / listen_file.SERVE_FILE, {**left, "before": []})
        listen_file.record(data_dir, listen_file.SERVE_FILE, url, RUN)
        listening.setblocking(False)
        with pytest.raises(BlockingIOError):
            listening.accept()  # nobody knocked
    said = json.loads((data_dir / listen_file.SERVE_FILE).read_text())
    assert (said["instance_id"], said["before"]) == (RUN, [])


@pytest.mark.parametrize("url", ["not a url", "http://exa mple.com", "http://[::1"])
def test_a_record_whose_url_cannot_be_asked_is_judged_by_its_pid(data_dir: Path, url: str) -> None:
    """A record's URL no request can be sent to (a hand-edited file): nothing answers there, so the pid
    decides as before (from another namespace: gone), never a traceback in every command that reads it."""
    assert recorded_process.gone(from_elsewhere(url))

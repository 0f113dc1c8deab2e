"""Nothing answering at the server a run was given, told in a line a person can act on.

Found running a folder through the pytest plugin with ``--sls-server`` before the server was up: the
session stopped with requests' own words, ``HTTPConnectionPool(host='127.0.0.1', port=9): Max retries
exceeded with url: /admin/v1/clock (Caused by NewConnectionError("HTTPConnection(...): Failed to establish a
new connection: [Errno 111] Connection refused"))``, and nothing of what to do.
"""

from __future__ import annotations

import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from sls_scenarios.server import free_port
from sls_scenarios.targets import RemoteTarget, TargetError
from sls_scenarios.transport import RemoteClient
from sls_server.cli.main import cli


def test_the_plugins_check_says_nothing_answers_and_what_to_do() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TargetError) as refused:
        RemoteTarget(url, "t" * 20).check()
    said = str(refused.value)
    assert said.startswith(f"no answer from {url} (GET /admin/v1/clock): Connection refused; "), said
    assert "HTTPConnectionPool" not in said and "Max retries" not in said, said
    assert "is the server running?" in said and "sls demo" in said, said
    assert "check --sls-server, or leave it out to run in-process" in said, said


def test_a_step_that_gets_no_answer_says_why_in_a_few_words() -> None:
    """A server that stops mid-run: every step's failure carried the same paragraph of urllib3."""
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ConnectionError) as refused:
        RemoteClient(url, None, timeout_s=5).request("POST", "/api/v1/auth/login")
    assert str(refused.value) == f"no answer from {url} (POST /api/v1/auth/login): Connection refused"


def test_a_server_that_hangs_up_is_told_so() -> None:
    """Said in a few words, a connection closed without an answer was no better than requests' class name."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def hang_up() -> None:
        with listener:
            connection, _ = listener.accept()
            with connection:
                connection.recv(4096)

    threading.Thread(target=hang_up, daemon=True).start()
    with pytest.raises(ConnectionError) as refused:
        RemoteClient(f"http://127.0.0.1:{port}", None, timeout_s=5).request("GET", "/healthz")
    said = str(refused.value)
    told = "Remote end closed connection without response"
    assert said == f"no answer from http://127.0.0.1:{port} (GET /healthz): {told}", said


def test_a_run_that_cannot_start_still_writes_its_junit(tmp_path: Path) -> None:
    """``sls scenario run qa/ --server URL --junit junit.xml`` with nothing at the URL exited 1 and wrote no
    file: CI's report step then said "no test report found", and the reason was left in the log alone. Each
    scenario is an error case saying why it did not run, under the name its history is kept by."""
    first = tmp_path / "first.scenario.yaml"
    first.write_text(
        "name: first\ndescription: A scenario that never gets to run.\n"
        "steps:\n  - http: {method: GET, path: /healthz}\n    expect: {status: 200}\n"
    )
    (tmp_path / "broken.scenario.yaml").write_text("name: broken\ndescription: Not valid.\nsteps: []\n")
    junit = tmp_path / "out" / "junit.xml"
    url = f"http://127.0.0.1:{free_port()}"
    args = [
        "scenario",
        "run",
        str(tmp_path),
        "--server",
        url,
        "--admin-token",
        "t" * 20,
        "--junit",
        str(junit),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1 and result.stderr.startswith(f"error: no server at {url}"), result.output
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("errors") == "2"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"first", "broken"}
    said = cases["first"].find("error")
    assert said is not None and f"not run: no server at {url}" in (said.get("message") or "")

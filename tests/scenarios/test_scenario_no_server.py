"""Nothing answering at the server a run was given, told in a line a person can act on.

Found running a folder through the pytest plugin with ``--sls-server`` before the server was up: the
session stopped with requests' own words, ``HTTPConnectionPool(host='127.0.0.1', port=9): Max retries
exceeded with url: /admin/v1/clock (Caused by NewConnectionError("HTTPConnection(...): Failed to establish a
new connection: [Errno 111] Connection refused"))``, and nothing of what to do.
"""

from __future__ import annotations

import socket
import threading

import pytest

from sls_scenarios.server import free_port
from sls_scenarios.targets import RemoteTarget, TargetError
from sls_scenarios.transport import RemoteClient


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

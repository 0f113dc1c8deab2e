"""Nothing answering at the server a run was given, told in a line a person can act on.

Found running a folder through the pytest plugin with ``--sls-server`` before the server was up: the
session stopped with requests' own words, ``HTTPConnectionPool(host='127.0.0.1', port=9): Max retries
exceeded with url: /admin/v1/clock (Caused by NewConnectionError("HTTPConnection(...): Failed to establish a
new connection: [Errno 111] Connection refused"))``, and nothing of what to do.
"""

from __future__ import annotations

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

"""What a real ``sls serve`` tells its operator at start-up about a setting that cannot work as given: a Redis
that does not answer, an ``SLS_*`` name nothing reads. Both start the server (a Redis may come later; another
tool's variable may share the prefix), so the log line is all the operator gets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, wait_until_serving

from sls_server.store.embedded import free_port

pytestmark = pytest.mark.e2e


def _start_up_lines(
    tmp_path: Path, redis_url: str, then: Callable[[str], object] = str, **env: str
) -> list[dict[str, object]]:
    """Every line ``sls serve`` wrote (stdout, then stderr) under SLS_LOG_FORMAT=json until it served and
    ``then`` (given its URL) returned."""
    port = free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLS_")},
        "SLS_ADMIN_TOKEN": ADMIN_TOKEN,
        "SLS_HASH_PROFILE": "test",
        "SLS_DATA_DIR": str(tmp_path / "data"),
        "SLS_LOG_FORMAT": "json",
        **env,
    }
    command = [sys.executable, "-m", "sls_server.cli.main", "serve", "--port", str(port), "--workers", "1"]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "--redis-url", redis_url], env=environment, stdout=stdout, stderr=stderr
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", err)
    try:
        wait_until_serving(server)
        then(server.url)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    lines = out.read_text().splitlines() + err.read_text().splitlines()
    for line in lines:  # SLS_LOG_FORMAT=json: a log collector reads every line, the start-up's too
        assert line.startswith("{"), f"not JSON: {line!r}"
    return [json.loads(line) for line in lines]


def test_a_redis_that_does_not_answer_is_named_with_its_setting_and_why(tmp_path: Path) -> None:
    """It said "Redis cannot serve Store.claim_key_check: ConnectionError" and "Redis did not answer at
    start-up", as plain text among JSON lines: not which setting, where or why (a refused port, a name that
    does not resolve, a password rejected), and every request then answered 503 with nothing more."""
    closed = free_port()  # nothing listens there

    def ready(url: str) -> None:
        assert requests.get(f"{url}/readyz", timeout=30).status_code == 503

    lines = _start_up_lines(tmp_path, f"redis://:not-said@127.0.0.1:{closed}/0", then=ready)
    said = [str(line["message"]) for line in lines if line.get("level") == "warning"]
    (told,) = [message for message in said if message.startswith("SLS_REDIS_URL:")]
    assert f"127.0.0.1:{closed}" in told and "refused" in told, told
    assert "503 store_unavailable" in told
    # and each request's line, the readiness probe's here, says why too (the worker's own check of the secret
    # key comes first while Redis has not answered it: ``key_gate``, so the probe's line is that check's)
    after = said[said.index(told) + 1 :]
    (probe, *_) = [message for message in after if message.startswith("Redis cannot serve Store.")]
    assert f"127.0.0.1:{closed}" in probe and "refused" in probe, probe
    assert not any("not-said" in json.dumps(line) for line in lines)  # the URL's password, nowhere


def test_a_misspelt_setting_is_named_with_the_one_it_was_meant_to_be(tmp_path: Path, redis_url: str) -> None:
    """``SLS_IDLE_TIMOUT=60`` started the server with the 15-minute default and not a word: an operator
    learns it from a bot logged off later than the test expected."""
    lines = _start_up_lines(tmp_path, redis_url, SLS_IDLE_TIMOUT="60", SLS_LOCKOUT_THRESHOLD="3")
    said = [str(line["message"]) for line in lines if line.get("level") == "warning"]
    assert [message for message in said if "is not a setting" in message] == [
        "SLS_IDLE_TIMOUT is not a setting and is ignored "
        "(did you mean SLS_IDLE_TIMEOUT? `sls config` lists them)"
    ]


def test_a_redis_that_does_not_answer_at_start_up_is_said_once(tmp_path: Path) -> None:
    """Start-up's check said it twice, for one cause: the store's generic "Redis cannot serve
    Store.claim_key_check: ConnectionError (...)" and then its own line naming ``SLS_REDIS_URL``."""
    closed = free_port()  # nothing listens there
    lines = _start_up_lines(tmp_path, f"redis://127.0.0.1:{closed}/0")
    said = [str(line["message"]) for line in lines if line.get("level") == "warning"]
    about = [message for message in said if f"127.0.0.1:{closed}" in message]
    assert len(about) == 1 and about[0].startswith("SLS_REDIS_URL: Redis did not answer at start-up"), said


def test_under_json_logs_the_error_that_stops_start_up_is_json_too(tmp_path: Path) -> None:
    """``SLS_LOG_FORMAT=json`` makes every line a JSON object; the one saying why the server did not start
    was ``error: SLS_LOCKOUT_THRESHOLD: ...`` in plain text, the one line a log collector could not read."""
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SLS_")},
        "SLS_DATA_DIR": str(tmp_path / "data"),
        "SLS_LOG_FORMAT": "json",
        "SLS_LOCKOUT_THRESHOLD": "0",
    }
    command = [sys.executable, "-m", "sls_server.cli.main", "serve", "--port", str(free_port())]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    error = json.loads(line)["error"]
    assert error["code"] == "invalid_config" and error["message"].startswith("SLS_LOCKOUT_THRESHOLD: ")

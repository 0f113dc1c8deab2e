"""A failed test's report carries what the servers it used logged while it ran (``server_log_kit``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import requests
import server_log_kit


def _fails() -> None:
    raise AssertionError("the answer was not what the test wanted")


def test_a_failed_report_carries_the_lines_its_server_wrote(
    sls_serve: Any, request: pytest.FixtureRequest
) -> None:
    server = sls_serve(workers=1)
    assert requests.get(f"{server.url}/readyz", timeout=10).status_code == 200
    # the worker writes its access line after the answer has gone: on CI the report once came first
    deadline = time.monotonic() + 60  # a guard against a hang, not a budget: the loop ends with the line
    while '"GET /readyz" 200' not in server.log() and time.monotonic() < deadline:
        time.sleep(0.01)  # polling the log file for the line, not waiting for time to pass

    item = request.node
    failed = item.ihook.pytest_runtest_makereport(item=item, call=pytest.CallInfo.from_call(_fails, "call"))
    passed = item.ihook.pytest_runtest_makereport(item=item, call=pytest.CallInfo.from_call(dict, "call"))

    sections = dict(failed.sections)
    logged = sections[f"sls serve log at {server.url}, during the test"]
    assert '"GET /readyz" 200' in logged  # the access line (route patterns, never a path's ids)
    assert "Listening at" in logged  # a server the test started: from its first line
    assert not any(title.startswith("sls serve log") for title, _ in passed.sections)


def test_a_server_handed_over_is_followed_from_then_and_long_logs_end_with_their_last_lines(
    tmp_path: Path,
) -> None:
    log = tmp_path / "serve.log"
    log.write_text("before the test\n")
    server_log_kit.follow("http://127.0.0.1:1", log)
    with log.open("a") as more:
        more.writelines(f"line {number}\n" for number in range(server_log_kit.MAX_LINES + 5))
    report = pytest.TestReport("t", ("t", 1, "t"), {}, "failed", None, "call")

    server_log_kit.add_to_report(report)

    (title, text), *others = report.sections
    assert others == []
    assert title == "sls serve log at http://127.0.0.1:1, during the test"
    assert "before the test" not in text
    assert text.startswith("... 5 earlier lines not shown\nline 5\n")
    assert text.endswith(f"line {server_log_kit.MAX_LINES + 4}")

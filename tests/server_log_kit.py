"""What each ``sls serve`` a test used wrote while it ran, printed with the test's failure.

An e2e or browser test that fails on CI shows the client's side: a status, a missing element. The server's
side (its access lines, a warning, a traceback behind a 500) went to a log file in a temporary folder that
nobody sees once the run is over. So every server a test starts (``start_server``) or is handed
(``fresh``) is followed from that moment, and a failed report gets one section per server with the lines
written since: at most :data:`MAX_LINES`, the last ones.

One test runs at a time in a pytest process (xdist runs a process per worker), so the servers of the test
now running are kept in this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

#: Lines shown per server: the last ones, where a failure's cause usually is.
MAX_LINES = 80


@dataclass(frozen=True)
class Followed:
    url: str
    log_path: Path
    offset: int


_followed: dict[Path, Followed] = {}


def follow(url: str, log_path: Path, *, from_start: bool = False) -> None:
    """Show what the server at ``url`` logs from now on (from its first line, for one just started) if the
    running test fails. Followed twice in one test, the earlier mark stands."""
    if log_path in _followed:
        return
    offset = 0 if from_start or not log_path.exists() else log_path.stat().st_size
    _followed[log_path] = Followed(url, log_path, offset)


def forget() -> None:
    """A new test begins: no server is followed yet."""
    _followed.clear()


def add_to_report(report: pytest.TestReport) -> None:
    if not report.failed:
        return
    for each in _followed.values():
        report.sections.append((f"sls serve log at {each.url}, during the test", _written(each)))


def _written(each: Followed) -> str:
    try:
        with each.log_path.open("rb") as log:
            log.seek(each.offset)
            lines = log.read().decode(errors="replace").splitlines()
    except OSError as exc:
        return f"(the log could not be read: {exc})"
    if not lines:
        return "(nothing)"
    shown = lines[-MAX_LINES:]
    if len(shown) < len(lines):
        shown.insert(0, f"... {len(lines) - len(shown)} earlier lines not shown")
    return "\n".join(shown)

"""``stopping.end_child``, the one way a child process is stopped (the embedded redis-server, a scenario's,
a benchmark's or a test's server): SIGTERM first, so it can save what it holds; SIGKILL only when it has not
ended within its grace; reaped either way, and an ended child only reaped."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sls_server.stopping import end_child

#: A child that says it is ready once its SIGTERM handling is set, then waits to be stopped.
CHILD = """
import signal, sys, threading
if sys.argv[1] == "deaf":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
threading.Event().wait()
"""


@contextmanager
def _child(kind: str) -> Iterator[subprocess.Popen[str]]:
    with subprocess.Popen([sys.executable, "-c", CHILD, kind], stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
            yield process
        finally:
            if process.poll() is None:  # end_child failed: never leave the child behind
                process.kill()


def test_a_child_that_heeds_sigterm_ends_by_it() -> None:
    with _child("heeds") as process:
        end_child(process, 30)
        assert process.returncode == -signal.SIGTERM


def test_a_child_deaf_to_sigterm_is_killed_after_its_grace() -> None:
    with _child("deaf") as process:
        end_child(process, 0.2)
        assert process.returncode == -signal.SIGKILL


def test_an_ended_child_is_only_reaped() -> None:
    with _child("heeds") as process:
        process.kill()
        end_child(process, 30)
        assert process.returncode == -signal.SIGKILL

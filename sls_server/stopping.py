"""Stopping: whether this process has been asked to stop, and how a process stops a child it started.

A graceful shutdown lets in-flight requests finish, but the trainer's live feed is a stream that lasts
:data:`~sls_server.http.pages.feed.STREAM_S` seconds: left alone it would hold the worker until gunicorn's
graceful timeout and be killed. ``sls serve`` asks for the stop when a worker gets its signal
(``cli.worker_signals``); the feed waits on :func:`wait` between its reads, so it ends at once and the browser
reconnects to whichever server is still up.

A child (the embedded redis-server, a scenario's or a benchmark's ``sls serve``, a test's server) is stopped
one way, :func:`end_child`: asked first, so it can save and close what it holds, then killed.
"""

from __future__ import annotations

import subprocess
import threading
from typing import Any

_asked = threading.Event()


def request_stop() -> None:
    _asked.set()


def wait(seconds: float) -> bool:
    """Wait up to ``seconds``; whether a stop has been asked for (at once if it already was)."""
    return _asked.wait(seconds)


def end_child(process: subprocess.Popen[Any], grace_s: float) -> bool:
    """SIGTERM, then SIGKILL if the child has not ended within ``grace_s`` seconds; reaped either way. A
    child that has already ended is only reaped. Whether it had to be killed (what it held may be lost)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return True
    return False

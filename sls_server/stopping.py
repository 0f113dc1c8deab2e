"""Whether this process has been asked to stop, for the answers that would otherwise outlive the request.

A graceful shutdown lets in-flight requests finish, but the trainer's live feed is a stream that lasts
:data:`~sls_server.http.pages.feed.STREAM_S` seconds: left alone it would hold the worker until gunicorn's
graceful timeout and be killed. ``sls serve`` asks for the stop when a worker gets its signal
(``cli.worker_signals``); the feed waits on :func:`wait` between its reads, so it ends at once and the browser
reconnects to whichever server is still up.
"""

from __future__ import annotations

import threading

_asked = threading.Event()


def request_stop() -> None:
    _asked.set()


def wait(seconds: float) -> bool:
    """Wait up to ``seconds``; whether a stop has been asked for (at once if it already was)."""
    return _asked.wait(seconds)

"""Pages whose scripts arrive late, as they do on a loaded CI machine.

A page's scripts load at the end of its body: its controls are in the DOM, and Playwright acts on them,
before the scripts that wire them have run. On a developer's machine the scripts come within milliseconds
and a test that presses too early still passes; under CI's load it once did not. A test's contexts under
the ``slow_scripts`` marker, or every context of a run under ``BROWSER_SLOW_SCRIPTS=<seconds>``, get each
``.js`` answer that many seconds late (``open_context``), so such a test fails every time.

The delay is not a route handler's sleep: Playwright's sync API runs handlers on the test's own thread, and a
sleep there would hold the test too. The route sends each script's request to a small server of our own, in
a thread, which waits, fetches the real answer and passes it on; the page sees its own URL throughout.
"""

from __future__ import annotations

import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests

#: The marker that slows a test's contexts' scripts (``slow_scripts`` seconds, 1.5 unless given).
MARKER = "slow_scripts"

#: A run's delay for every context, in seconds, when set (a check of the whole suite against the race).
ENV = "BROWSER_SLOW_SCRIPTS"  # not SLS_: a server started under it would warn of a setting it does not know

DEFAULT_DELAY_S = 1.5

#: The pages whose scripts can come late: Chromium lets no page on another address load from loopback.
LOOPBACK = {"127.0.0.1", "localhost"}


class _Late(BaseHTTPRequestHandler):
    """Answers ``/<delay>/<quoted URL>`` with that URL's answer, ``delay`` seconds late."""

    def do_GET(self) -> None:
        _, delay, target = self.path.split("/", 2)
        time.sleep(float(delay))
        answer = requests.get(unquote(target), timeout=10)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "text/javascript"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is its own."""


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a page closed while its script was held leaves a broken connection, nothing to report."""


class SlowScripts:
    """The server that answers scripts late, in a daemon thread, and the route that sends them to it."""

    def __init__(self) -> None:
        self._server = _Quiet(("127.0.0.1", 0), _Late)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def slow(self, context: Any, delay_s: float, scripts: str = "**/*.js") -> None:
        """Every answer of ``context`` to a script matching ``scripts`` (all, unless a test names one: a race
        between a page's scripts) comes ``delay_s`` seconds late (a page's own routes first)."""

        def late(route: Any) -> None:
            if urlsplit(route.request.url).hostname not in LOOPBACK:
                route.continue_()  # Private Network Access: a page elsewhere may not load from loopback
                return
            route.continue_(url=f"{self.url}/{delay_s}/{quote(route.request.url, safe='')}")

        context.route(scripts, late)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def delay_of(marker: Any) -> float | None:
    """A test's script delay: its marker's (``slow_scripts`` or ``slow_scripts(seconds)``), else the run's."""
    if marker is not None:
        return float(marker.args[0]) if marker.args else DEFAULT_DELAY_S
    run = os.environ.get(ENV)
    return float(run) if run else None

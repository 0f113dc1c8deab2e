"""An app served over real HTTP in a thread, for a command that must reach a server (``sls``), without a
gunicorn process: Werkzeug's threaded server on a free loopback port; or, for a server that is not ours (an
older version, a proxy's error page), a bare request handler on one, or a fixed JSON answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def _serving(server: HTTPServer) -> Iterator[str]:
    """``server``'s base URL while the block runs, serving on a thread; shut down however the block ends."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def served_over_http(app: Flask) -> Iterator[str]:
    """The app's base URL while the block runs; the server is shut down however the block ends."""
    with _serving(make_server("127.0.0.1", 0, app, threaded=True)) as url:
        yield url


@contextmanager
def handled_over_http(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """The base URL of ``handler`` answering every request while the block runs; shut down however it ends."""
    with _serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield url


@contextmanager
def json_over_http(document: Any) -> Iterator[str]:
    """The base URL of a server answering every GET with ``200`` and ``document`` as JSON, whatever the
    path or query, while the block runs: a server of another version, or one page the listing under test
    reads (not how the server chose it)."""
    body = json.dumps(document).encode()

    class Fixed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    with handled_over_http(Fixed) as url:
        yield url

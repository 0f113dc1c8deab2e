"""gunicorn's own error answers as JSON, like every other error the service gives.

A request gunicorn refuses before the app sees it (a request line over its limit: 414; headers over theirs:
431; a malformed request line or header: 400) was answered with gunicorn's HTML page, which also echoed what
the client sent, while the contract says every error is ``{"error", "message"}``. gunicorn has no setting
for its error pages: its workers call ``gunicorn.util.write_error``, which is replaced here, once, in the
master before the workers fork (as ``gunicorn_app.hide_server_header`` does for the ``Server`` header).
The answer never repeats the client's input: gunicorn's message can hold a header's value.
"""

from __future__ import annotations

import json
import socket

#: The contract's codes: a client's malformed request is ``invalid_request``; gunicorn's own failure (500,
#: a configuration problem) is ``internal_error``.
SERVER_FAULT = "internal_error"
CLIENT_FAULT = "invalid_request"


#: What a refusal is about, where gunicorn's status says: as every 4xx of the contract names its field.
FIELDS = {414: "path", 431: "headers", 400: "request"}


def error_body(status: int, reason: str) -> bytes:
    code = SERVER_FAULT if status >= 500 and status != 501 else CLIENT_FAULT
    message = f"The server refused the request before reading it: {reason} (HTTP {status})."
    body = {"error": code, "message": message}
    if status in FIELDS:
        body["field"] = FIELDS[status]
    return json.dumps(body, separators=(",", ":")).encode()


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """``gunicorn.util.write_error``'s signature; ``mesg`` is left out on purpose (see the module)."""
    from gunicorn import util

    body = error_body(status_int, reason)
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Cache-Control: no-store\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def json_error_pages() -> None:
    """Idempotent."""
    from gunicorn import util

    util.write_error = write_json_error

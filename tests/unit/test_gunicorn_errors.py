"""What gunicorn answers itself, before the app (``cli.gunicorn_errors``), carries the headers the
document marks required on every answer, as the app's answers do."""

from __future__ import annotations

import json
import socket

import pytest

from sls_server.cli.gunicorn_errors import write_json_error
from sls_server.http.errors import ALLOW
from sls_server.http.openapi.texts import RESPONSE_HEADERS, RETRY_AFTER_ALWAYS
from sls_server.http.security import CSP_API

#: Required on every answer (``Allow`` and a 429's ``Retry-After`` are required on their status alone).
EVERY_ANSWER = {
    name: header
    for name, header in RESPONSE_HEADERS.items()
    if header.get("required") and name not in (ALLOW, RETRY_AFTER_ALWAYS)
}


@pytest.mark.parametrize(
    ("status", "reason"),
    [(414, "URI Too Long"), (431, "Request Header Fields Too Large"), (400, "Bad Request")],
)
def test_a_refusal_before_the_app_carries_every_header_an_answer_always_has(status: int, reason: str) -> None:
    """gunicorn's JSON refusals had nosniff, no-store and a request id, but no Content-Security-Policy,
    Referrer-Policy or X-Frame-Options: the document says every answer has them."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        write_json_error(ours, status, reason, "Invalid header: 'X-Token: secret'")
        ours.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := theirs.recv(4096):
            reply += chunk
    head, _, body = reply.decode("latin-1").partition("\r\n\r\n")
    status_line, *lines = head.split("\r\n")
    assert status_line == f"HTTP/1.1 {status} {reason}"
    headers = dict(line.split(": ", 1) for line in lines)
    assert set(EVERY_ANSWER) <= set(headers), sorted(set(EVERY_ANSWER) - set(headers))
    for name, header in EVERY_ANSWER.items():
        assert headers[name] == header["schema"].get("const", headers[name]), name
    assert headers["Content-Security-Policy"] == CSP_API
    assert json.loads(body)["error"] == "invalid_request" and "secret" not in body

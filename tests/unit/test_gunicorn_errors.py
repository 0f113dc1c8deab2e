"""What gunicorn answers itself, before the app (``cli.gunicorn_errors``), carries the headers the
document marks required on every answer, as the app's answers do."""

from __future__ import annotations

import inspect
import json
import re
import socket

import pytest
from gunicorn.workers.base import Worker
from test_error_names import sls_errors

from sls_server.cli.gunicorn_errors import SERVER_FAULT, answer, refusal_class, write_json_error
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
    refused = refusal_class(status)
    assert refused is not None and json.loads(body)["error"] == refused.code and "secret" not in body


#: Every status gunicorn answers a request with by itself (``Worker.handle_error``), read from its source so
#: a later gunicorn's new one is seen here.
GUNICORN_STATUSES = sorted({int(n) for n in re.findall(r"status_int = (\d{3})", inspect.getsource(Worker))})


def test_every_refusal_gunicorn_answers_has_a_code_of_its_own_status() -> None:
    """gunicorn's 414 and 431 (and 417, 501, 403) said ``invalid_request``, the 400's code: the contract's
    "one code, one status", which ``test_error_names`` holds for the app's errors, did not hold for these."""
    assert {400, 414, 431, 500} <= set(GUNICORN_STATUSES)
    statuses: dict[str, set[int]] = {SERVER_FAULT: {500}}
    for error in sls_errors():
        statuses.setdefault(error.code, set()).add(error.status)
    for status in GUNICORN_STATUSES:
        sent, _, body = answer(status, "Reason")
        code = json.loads(body)["error"]
        assert sent == status, status
        assert statuses.get(code) == {status}, (status, code, statuses.get(code))
    assert json.loads(answer(414, "URI Too Long")[2]) == {
        "error": "uri_too_long",
        "message": "The server refused the request before reading it: URI Too Long (HTTP 414).",
        "field": "path",
    }
    assert json.loads(answer(431, "Request Header Fields Too Large")[2])["error"] == "headers_too_large"


@pytest.mark.parametrize(("status", "family"), [(418, 400), (502, 500)])
def test_a_status_gunicorn_did_not_answer_before_is_its_familys_400_or_500(status: int, family: int) -> None:
    sent, _, body = answer(status, "Something")
    assert sent == family
    assert json.loads(body)["error"] == ("invalid_request" if family == 400 else SERVER_FAULT)

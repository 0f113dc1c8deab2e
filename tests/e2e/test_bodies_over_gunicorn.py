"""What Werkzeug refuses, over a real ``sls serve``: gunicorn terminates the input itself, and a body was then
read as what came (one cut short before its ``Content-Length``) or cut at the limit (one sent in chunks), and
used; a ``Range`` no byte of a file answers was ``http_error``."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _send(url: str, head: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """One request as raw bytes, the client's side then closed for writing (a client that stopped sending);
    the answer's status and JSON body."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(
            f"{head}\r\nHost: localhost\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\r\n".encode() + body
        )
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    answered: dict[str, Any] = json.loads(rest.partition(b"\r\n\r\n")[2])
    return int(status_line.split()[1]), answered


def test_a_body_is_read_as_declared_or_refused_over_gunicorn(sls_serve: Callable[..., ServerProcess]) -> None:
    server = sls_serve(workers=1)
    made = requests.post(
        f"{server.url}/admin/v1/users",
        json={"username": "kim", "password": "Correct-Horse-Battery-9"},
        headers=ADMIN,
        timeout=30,
    )
    assert made.status_code == 201, made.text

    # {} of a declared 10 bytes: read as {}, it reset the world
    status, body = _send(
        server.url,
        "POST /admin/v1/reset HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 10",
        b"{}",
    )
    assert (status, body["error"], body["field"]) == (400, "body_incomplete", "body"), body
    assert requests.get(f"{server.url}/admin/v1/users/kim", headers=ADMIN, timeout=30).status_code == 200

    # chunked past 64 KiB: cut there, it was "not valid JSON"
    document = json.dumps({"username": "lee", "password": "x" * 70_000}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(document), document)
    status, body = _send(
        server.url,
        "POST /admin/v1/users HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
        chunked,
    )
    assert (status, body) == (
        400,
        {"error": "invalid_request", "field": "body", "message": "the body is larger than 64 KiB"},
    )

    ranged = requests.get(
        f"{server.url}/assets/css/sls.css", headers={"Range": "bytes=99999999-"}, timeout=30
    )
    assert ranged.status_code == 416
    assert (ranged.json()["error"], ranged.json()["field"]) == ("range_not_satisfiable", "Range")


def test_a_body_whose_chunks_are_malformed_is_refused_and_never_logged(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    """gunicorn's words for bad chunk framing quote the line it choked on: a body sent whole under
    ``Transfer-Encoding: chunked`` was logged, password and all, with a 500."""
    server = sls_serve(workers=1)
    secret = "Chunked-Log-Secret-91"
    body = json.dumps({"username": "kim", "password": secret}).encode() + b"\r\n\r\n"
    status, answer = _send(
        server.url,
        "POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
        body,
    )
    assert (status, answer["error"], answer["field"]) == (400, "invalid_request", "body"), answer
    assert "chunked framing" in answer["message"]
    assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200  # the log is written by now
    assert secret not in server.log()

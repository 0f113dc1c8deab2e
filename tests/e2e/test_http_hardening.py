"""HTTP hardening that only a real ``sls serve`` (gunicorn) can show: the Server header, which proxies are
believed about TLS, what the access log writes."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from urllib.parse import urlsplit

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

from sls_server.http.security import CSP_API, HSTS

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
ACCESS_LINE = re.compile(r'^\S+ "[A-Z]+ [^"]*" \d{3} ')


def _raw_headers(url: str, method: str = "GET", body: bytes | None = None) -> list[tuple[str, str]]:
    """Every header line as sent, duplicates included (``requests`` would fold them)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, parts.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return list(response.getheaders())
    finally:
        connection.close()


def test_no_server_header_and_the_security_headers_over_real_http(plain_server: ServerProcess) -> None:
    server = plain_server
    answers = {
        "healthz": _raw_headers(f"{server.url}/healthz"),
        "openapi": _raw_headers(f"{server.url}/openapi.json"),
        "404": _raw_headers(f"{server.url}/api/v1/nowhere"),
        "deep json": _raw_headers(f"{server.url}/api/v1/auth/login", "POST", b"[" * 20_000),
        "login": _raw_headers(
            f"{server.url}/api/v1/auth/login", "POST", b'{"username": "nobody", "password": "wrong-password"}'
        ),
    }
    for name, headers in answers.items():
        names = [key.lower() for key, _ in headers]
        assert "server" not in names, f"{name}: {headers}"
        values = {key.lower(): value for key, value in headers}
        assert values["content-security-policy"] == CSP_API, name
        assert values["x-content-type-options"] == "nosniff", name
        assert values["referrer-policy"] == "same-origin", name
    assert dict(answers["login"])["Cache-Control"] == "no-store"
    assert all("gunicorn" not in value.lower() for headers in answers.values() for _, value in headers)


# --- which proxies are believed about TLS -----------------------------------------------------------------


def _enrol(base: str) -> tuple[str, dict]:
    password = "Correct-Horse-Battery-9"
    created = requests.post(
        f"{base}/admin/v1/users", json={"username": "alice", "password": password}, headers=ADMIN, timeout=10
    )
    assert created.status_code == 201, created.text
    card = requests.post(
        f"{base}/admin/v1/users/alice/devices",
        json={"type": "dscplus", "pin": "1234"},
        headers=ADMIN,
        timeout=10,
    )
    assert card.status_code == 201, card.text
    return password, card.json()


def _verify(base: str, password: str, card: dict, extra: dict[str, str]) -> requests.Response:
    """A login whose /verify carries ``extra`` headers; returns the /verify answer (which sets the cookie)."""
    http = requests.Session()
    started = http.post(
        f"{base}/api/v1/auth/login", json={"username": "alice", "password": password}, timeout=10
    )
    assert started.status_code == 200, started.text
    body = started.json()
    answer = http.post(
        f"{base}/sim/v1/dscplus/{card['device_id']}/respond",
        json={"pin": "1234", "challenge": body["factor"]["challenge"]},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    headers = dict(extra)
    if body.get("login_token"):  # the login binding, should this build carry it
        headers["X-Login-Token"] = body["login_token"]
    done = http.post(f"{base}/api/v1/auth/login/{body['txn_id']}/verify", json=answer.json(), headers=headers)
    assert done.status_code == 200, done.text
    return done


def test_what_gunicorn_refuses_before_the_app_is_a_json_error_that_echoes_nothing(
    plain_server: ServerProcess,
) -> None:
    """A request line or headers over gunicorn's limits, or a request line it cannot parse, never reach the
    app: gunicorn answers them itself, as JSON like every other error, without repeating what was sent."""
    server = plain_server
    secretish = "tok-" + "s" * 9000
    too_long = requests.get(f"{server.url}/api/v1/auth/login/{'a' * 5000}", timeout=10)
    too_big = requests.get(f"{server.url}/api/v1/session", headers={"X-Login-Token": secretish}, timeout=10)
    for answer, status, field, code in (
        (too_long, 414, "path", "uri_too_long"),
        (too_big, 431, "headers", "headers_too_large"),
    ):
        assert answer.status_code == status
        assert answer.json()["field"] == field  # named, as every refusal of the contract is
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json()["error"] == code and f"HTTP {status}" in answer.json()["message"]  # its own code
        assert "aaaa" not in answer.text and "sss" not in answer.text
        assert re.fullmatch(r"[0-9a-f]{16}", answer.headers["X-Request-Id"])  # every answer carries one
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"GET /healthz HTTP/1.1 extra-words\r\nHost: x\r\n\r\n")
        reply = b""
        while chunk := raw.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"Content-Type: application/json" in head, reply
    assert json.loads(body)["error"] == "invalid_request" and b"extra-words" not in body


def test_what_gunicorn_refuses_is_logged_without_what_was_sent(sls_serve) -> None:
    """gunicorn's warning for a request it refuses quoted the offending header line or request line: a client
    that left the colon out of ``Authorization: Bearer <token>`` had its session token in the server's log,
    and a request line it could not parse put the transaction id of its path there."""
    server = sls_serve(workers=1)
    token, txn = "alice~" + "t" * 30, "alice~" + "x" * 20
    host, port = server.url.removeprefix("http://").split(":")
    sent = (
        f"GET /api/v1/session HTTP/1.1\r\nHost: x\r\nAuthorization Bearer {token}\r\n\r\n",
        f"POST /api/v1/auth/login/{txn}/verify\r\nHost: x\r\n\r\n",
        f"POST /api/v1/auth/login/{txn}/verify HTTP/1.1 {txn}\r\nHost: x\r\n\r\n",
        f"G\x01T /api/v1/auth/login/{txn}/verify HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    for request in sent:
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(request.encode())
            assert raw.recv(4096).startswith(b"HTTP/1.1 400 ")

    log = _wait_for_log(server, *["Invalid request from ip="] * len(sent))
    assert log.count("Invalid request from ip=") == len(sent), log
    assert "alice~" not in log, log
    assert "Invalid HTTP Header" in log  # what was wrong is still said


def test_forwarded_proto_from_an_untrusted_peer_is_ignored(plain_server: ServerProcess) -> None:
    """127.0.0.1 is in gunicorn's default forwarded_allow_ips; no SLS_TRUSTED_PROXIES: nobody is believed."""
    server = plain_server
    password, card = _enrol(server.url)
    done = _verify(server.url, password, card, {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on"})
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith("sls_session="), cookie
    assert "secure" not in cookie.lower().replace("__host-", ""), cookie
    assert "Strict-Transport-Security" not in done.headers  # a forged scheme pins nothing either


def test_forwarded_proto_from_a_trusted_proxy_makes_the_cookie_secure(shared_serve) -> None:
    server = shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")
    password, card = _enrol(server.url)
    done = _verify(server.url, password, card, {"X-Forwarded-Proto": "https"})
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith("__Host-sls_session="), cookie
    assert "; Secure" in cookie, cookie
    assert done.headers["Strict-Transport-Security"] == HSTS  # ASVS 5.0 3.4.1
    plain = _verify(server.url, password, card, {})  # the same proxy, saying plain HTTP
    assert plain.headers["Set-Cookie"].startswith("sls_session=")
    assert "Strict-Transport-Security" not in plain.headers


# --- the access log -------------------------------------------------------------------------------------


def _wait_for_log(server, *texts: str, timeout_s: float = 60.0) -> str:  # type: ignore[no-untyped-def]
    """The server's log once it holds each of ``texts`` as many times as it is given (or at the deadline, for
    the caller's asserts to name what is missing). Gunicorn writes a request's access line after its answer,
    each thread its own: the line of one request can land after the line of the next, so wait for each, not
    for the last. The deadline guards against a hang (a loaded machine can be slow to write the line)."""
    deadline = time.monotonic() + timeout_s
    while True:
        log = server.log()
        if all(log.count(text) >= texts.count(text) for text in texts) or time.monotonic() > deadline:
            return log  # type: ignore[no-any-return]
        time.sleep(0.02)  # polling a condition (the lines appearing), not waiting for time to pass


def test_the_access_log_names_routes_not_ids(sls_serve) -> None:
    server = sls_serve(workers=1)
    password, card = _enrol(server.url)
    done = _verify(server.url, password, card, {})
    token = done.json()["session"]["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{server.url}/api/v1/session", headers=bearer, timeout=10).status_code == 200
    sessions = requests.get(f"{server.url}/admin/v1/users/alice/sessions", headers=ADMIN, timeout=10).json()
    session_id = sessions["sessions"][0]["id"]
    events = requests.get(f"{server.url}/admin/v1/events", headers=ADMIN, timeout=10).json()["events"]
    txn_ids = {
        e["detail"]["txn_id"]
        for e in events
        if isinstance(e.get("detail"), dict) and e["detail"].get("txn_id")
    }
    killed = requests.delete(f"{server.url}/admin/v1/sessions/{session_id}", headers=ADMIN, timeout=10)
    assert killed.status_code == 200
    secret_path = f"/api/v1/auth/login/{'f' * 40}/nowhere"
    assert requests.get(f"{server.url}{secret_path}", timeout=10).status_code == 404
    assert requests.get(f"{server.url}/healthz?last=1", timeout=10).status_code == 200

    expected = [
        '"POST /api/v1/auth/login/<txn_id>/verify" 200',
        '"POST /sim/v1/dscplus/<device_id>/respond" 200',
        '"DELETE /admin/v1/sessions/<session_id>" 200',
        '"GET /admin/v1/users/<username>/sessions" 200',
        '"GET (unmatched)" 404',
    ]
    log = _wait_for_log(server, *expected, *['"GET /healthz" 200'] * 2)  # at start-up, and the last request
    for line in expected:
        assert line in log, log
    verify_url = done.request.url or ""
    txn_id = verify_url.rsplit("/", 2)[-2]
    assert txn_id and txn_id in verify_url
    for secret in {txn_id, *txn_ids, token, "f" * 40}:
        assert secret not in log, f"{secret!r} is in the server's log"
    access = [line for line in log.splitlines() if ACCESS_LINE.match(line)]
    assert len(access) >= 10, log
    for secret in (card["device_id"], session_id, "alice", "/healthz?"):
        assert not [line for line in access if secret in line], f"{secret!r} is in the access log"


def test_the_text_access_line_carries_the_answers_request_id(sls_serve) -> None:
    """Every answer carries ``X-Request-Id``, "a handle to match lines by" (docs/operations.md, Logs); in the
    default text format no line carried it (the JSON access line alone did), so a client's report of one led
    nowhere. The text access line ends with it."""
    server = sls_serve(workers=1)
    answer = requests.get(f"{server.url}/nowhere", timeout=10)
    rid = answer.headers["X-Request-Id"]
    log = _wait_for_log(server, f" {rid}")
    [line] = [line for line in log.splitlines() if ACCESS_LINE.match(line) and rid in line] or [""]
    assert line.startswith('127.0.0.1 "GET (unmatched)" 404 ') and line.endswith(f"ms {rid}"), log


def _answer_then_next(raw: socket.socket, request: bytes) -> tuple[bytes, bytes]:
    """Send ``request`` (with its body), read the answer, then ask for /healthz on the same connection:
    the answer's head and what the second request got (b"" when the connection was closed)."""
    raw.sendall(request)
    reply = b""
    while b"\r\n\r\n" not in reply or len(reply.partition(b"\r\n\r\n")[2]) < _length(reply):
        reply += raw.recv(65536)
    head = reply.partition(b"\r\n\r\n")[0]
    try:
        raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        after = raw.recv(65536)
    except (BrokenPipeError, ConnectionResetError):  # closed with bytes unread: the peer's RST
        after = b""
    return head, after


def _length(reply: bytes) -> int:
    found = re.search(rb"\r\nContent-Length: (\d+)\r\n", reply.partition(b"\r\n\r\n")[0] + b"\r\n")
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("size", [70_000, 2_000_000])
def test_a_body_refused_unread_closes_the_connection_and_says_so(
    plain_server: ServerProcess, size: int
) -> None:
    """Past the 64 KiB limit the body is refused unread, more than gunicorn drains before it reuses a
    connection: it closed the connection after an answer that said ``Connection: keep-alive``. The answer
    now says ``close``; a body the app reads and refuses keeps the connection open, and says so."""
    server = plain_server
    host, port = server.url.removeprefix("http://").split(":")
    body = b'{"username": "' + b"a" * size + b'"}'
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        head, after = _answer_then_next(  # the first 64 KiB: the answer comes without the rest
            raw,
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[: 64 * 1024],
        )
    assert head.startswith(b"HTTP/1.1 400 ") and b"\r\nConnection: close" in head, head
    assert after == b""
    small = b'{"username": 1}'
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        head, after = _answer_then_next(
            raw,
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(small)}\r\n\r\n".encode()
            + small,
        )
    assert head.startswith(b"HTTP/1.1 400 ") and b"\r\nConnection: keep-alive" in head, head
    assert after.startswith(b"HTTP/1.1 200 "), after

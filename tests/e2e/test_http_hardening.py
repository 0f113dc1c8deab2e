"""HTTP hardening that only a real ``sls serve`` (gunicorn) can show: the Server header, which proxies are
believed about TLS, what the access log writes."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from conftest import ADMIN_TOKEN

from sls_server.http.security import CSP_API

pytestmark = pytest.mark.e2e
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


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


def test_no_server_header_and_the_security_headers_over_real_http(sls_serve) -> None:
    server = sls_serve(workers=1)
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
        assert values["referrer-policy"] == "no-referrer", name
    assert dict(answers["login"])["Cache-Control"] == "no-store"
    assert all("gunicorn" not in value.lower() for headers in answers.values() for _, value in headers)

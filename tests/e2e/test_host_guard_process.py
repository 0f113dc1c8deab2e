"""DNS rebinding against a real `sls serve` (gunicorn, not the Flask test client): a page that pointed its own
name at 127.0.0.1 reached /sim/v1's texts and /api/v1's logins, since only gateway mode judged the Host."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

pytestmark = pytest.mark.e2e
PHONE = "/sim/v1/phones/+15550001111/messages"


def test_sls_serve_answers_only_hosts_no_other_dns_decides(sls_serve: Callable[..., Any]) -> None:
    server = sls_serve(workers=1, SLS_ALLOWED_HOSTS="sls.internal")
    port = urlsplit(server.url).port

    def get(path: str, host: str) -> requests.Response:
        return requests.get(f"{server.url}{path}", headers={"Host": host}, timeout=10)

    rebound = get(PHONE, f"attacker.example:{port}")
    assert rebound.status_code == 400, rebound.text
    assert rebound.json()["field"] == "Host"
    assert "add attacker.example to SLS_ALLOWED_HOSTS (a web page" in rebound.json()["message"]
    login = requests.post(
        f"{server.url}/api/v1/auth/login",
        json={"username": "alice", "password": "Wrong-Horse-5-Battery"},
        headers={"Host": f"attacker.example:{port}", "Origin": f"http://attacker.example:{port}"},
        timeout=10,
    )
    assert (login.status_code, login.json()["field"]) == (400, "Host")

    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "sls.internal", "SLS.internal."):
        assert get(PHONE, host).status_code == 200, host
    assert get("/readyz", "sls:8000").status_code == 200, "a probe by service name"
    assert get("/metrics", "sls:8000").status_code == 400, "a scrape by name is named in the setting"

    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # HTTP/1.0: no Host at all
        raw.sendall(f"GET {PHONE} HTTP/1.0\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 200") or answer.startswith(b"HTTP/1.1 200"), answer[:200]

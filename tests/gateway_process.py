"""A real ``sls gateway`` process for the e2e and browser tests: a free port, the session's redis-server,
the test admin token; stopped by its own pid (never by name) when the test ends."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import urllib3
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

from sls_server.stopping import end_child
from sls_server.store.embedded import free_port

GATEWAY_ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
GATEWAY_PASSWORD = "plum-sketch-harbour-9"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class GatewayProcess(ServerProcess):
    def __init__(self, process: subprocess.Popen[bytes], url: str, log_path: Path, data_dir: Path) -> None:
        super().__init__(process, url, log_path)
        self.data_dir = data_dir

    @property
    def certificate(self) -> Path:
        return self.data_dir / "gateway-tls" / "cert.pem"


def wait_until_gateway_serves(server: GatewayProcess, timeout_s: float = 30.0) -> None:
    """Poll /healthz until the child answers (over TLS without verifying: the certificate is its own)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"sls gateway exited early:\n{server.log()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=1, verify=False).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not up yet: poll again
            time.sleep(0.05)
    raise RuntimeError(f"sls gateway did not answer in {timeout_s}s:\n{server.log()}")


@pytest.fixture
def sls_gateway(redis_url: str, tmp_path: Path) -> Iterator[Callable[..., GatewayProcess]]:
    """Start ``sls gateway`` (``--tls``, ``--pidfile`` as arguments; settings as ``SLS_*`` keywords). Its
    --host, --port and --workers are given unless ``SLS_HOST``, ``SLS_PORT`` or ``SLS_WORKERS`` is: then
    the variable alone says it."""
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    started: list[GatewayProcess] = []

    def start(*args: str, **env: str) -> GatewayProcess:
        port = int(env.get("SLS_PORT") or free_port())
        host = env.get("SLS_HOST", "127.0.0.1")
        listen = {"--host": host, "--port": str(port), "--workers": "1"}
        variable = {"--host": "SLS_HOST", "--port": "SLS_PORT", "--workers": "SLS_WORKERS"}
        flags = [
            part for flag, value in listen.items() if variable[flag] not in env for part in (flag, value)
        ]
        data_dir = tmp_path / f"gateway-data-{port}"
        log_path = tmp_path / f"gateway-{port}.log"
        environment = {**os.environ, "SLS_ADMIN_TOKEN": ADMIN_TOKEN, "SLS_HASH_PROFILE": "test", **env}
        command = [
            sys.executable,
            "-m",
            "sls_server.cli.main",
            "gateway",
            *flags,
            "--redis-url",
            redis_url,
            "--data-dir",
            str(data_dir),
            *args,
        ]
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(command, env=environment, stdout=log_file, stderr=subprocess.STDOUT)
        scheme = "https" if "--tls" in args else "http"
        server = GatewayProcess(process, f"{scheme}://{host}:{port}", log_path, data_dir)
        started.append(server)
        wait_until_gateway_serves(server)
        return server

    yield start
    for server in started:
        end_child(server.process, 15)


def log_in_through_the_gateway(url: str, username: str, phone: str = "+15555550182") -> None:
    """A user with an SMS device, logged in on the gateway's page with the code from the outbox hook, as
    IBeam does (its EXTERNAL_REQUEST)."""
    user = {"username": username, "password": GATEWAY_PASSWORD, "phone": phone, "sms": False}
    assert requests.post(f"{url}/admin/v1/users", json=user, headers=GATEWAY_ADMIN, timeout=10).ok
    devices = f"{url}/admin/v1/users/{username}/devices"
    assert requests.post(devices, json={"type": "sms"}, headers=GATEWAY_ADMIN, timeout=10).ok
    browser = requests.Session()
    page = browser.get(f"{url}/sso/Login?forwardTo=22&RL=1&ip2loc=on", timeout=10)
    csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    form = {"username": username, "password": GATEWAY_PASSWORD, "csrf_token": csrf}
    started = browser.post(f"{url}/sso/Login", data=form, allow_redirects=False, timeout=10)
    assert started.status_code == 303, started.text
    step = started.headers["Location"]
    code = browser.get(f"{url}/sim/v1/outbox/latest-code", params={"user": username}, timeout=10)
    assert code.status_code == 200
    answer = {"response": code.text, "csrf_token": csrf}
    done = browser.post(f"{url}{step}/verify", data=answer, allow_redirects=False, timeout=10)
    assert done.status_code == 303 and done.headers["Location"] == "/sso/Dispatcher"

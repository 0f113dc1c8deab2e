"""A real ``sls gateway`` process for the e2e and browser tests: a free port, the session's redis-server,
the test admin token; stopped by its own pid (never by name) when the test ends."""

from __future__ import annotations

import os
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

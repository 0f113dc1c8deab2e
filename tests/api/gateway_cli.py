"""``sls gateway-state ...`` against the gateway app served over HTTP in a thread: the ``sls`` fixture, shared
by the gateway tests that run the command (``from gateway_cli import gateway_sls, served_gateway``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ADMIN_TOKEN
from flask import Flask
from served_kit import served_over_http

from sls_server.cli.main import cli


@pytest.fixture(name="served")
def served_gateway(gateway_app: Flask) -> Iterator[str]:
    with served_over_http(gateway_app) as url:
        yield url


@pytest.fixture(name="sls")
def gateway_sls(served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``sls gateway-state ...`` against the served gateway, in a clean environment: no SLS_* of the shell."""
    for name in [n for n in os.environ if n.startswith("SLS_")]:
        monkeypatch.delenv(name)
    env = {"SLS_DATA_DIR": str(tmp_path / "cli-data"), "SLS_ADMIN_TOKEN": ADMIN_TOKEN}

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, ["gateway-state", *args, "--url", served], env=env, prog_name="sls")

    return run

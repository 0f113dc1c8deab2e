"""The CLI's simulator commands send the sim token when the server asks for one (``SLS_SIM_TOKEN``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import ADMIN_TOKEN
from over_http_kit import ibkey_user_over_http

from sls_server.cli import demofile
from sls_server.cli.main import cli

pytestmark = pytest.mark.e2e
SIM_TOKEN = "sim-token-for-the-trainer-0123"  # the browser tests', so they share a server
PHONE = "+15550100077"
PASSWORD = "Amber-Falcon-Ibkey-17"


def _sls(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, prog_name="sls")


def test_sim_commands_send_the_sim_token(shared_serve: Any, tmp_path: Path) -> None:
    server = shared_serve(workers=1, SLS_SIM_TOKEN=SIM_TOKEN)
    app = ibkey_user_over_http(server.url, "alice", PASSWORD, PHONE)
    env = {"SLS_DATA_DIR": str(tmp_path / "cli"), "SLS_URL": server.url, "SLS_SIM_TOKEN": ""}

    refused = _sls(env, "phone", "inbox", PHONE, "--admin-token", ADMIN_TOKEN)
    assert refused.exit_code == 1
    assert "sim_token_required" in refused.output and "--sim-token" in refused.output
    assert _sls(env, "device", "notifications", app).exit_code == 1

    with_env = _sls({**env, "SLS_SIM_TOKEN": SIM_TOKEN}, "phone", "inbox", PHONE, "--json")
    assert with_env.exit_code == 0, with_env.output
    code = next(m["code"] for m in json.loads(with_env.stdout)["messages"] if "activation code" in m["text"])

    activated = _sls(
        env,
        "device",
        "activate",
        app,
        "--username",
        "alice",
        "--password",
        PASSWORD,
        "--code",
        code,
        "--pin",
        "12ab",
        "--sim-token",
        SIM_TOKEN,
        "--json",
    )
    assert activated.exit_code == 0, activated.output
    assert json.loads(activated.stdout)["status"] == "active"

    demofile.write(tmp_path / "cli", {"url": server.url, "admin_token": ADMIN_TOKEN, "sim_token": SIM_TOKEN})
    from_demo = _sls({"SLS_DATA_DIR": str(tmp_path / "cli")}, "device", "notifications", app, "--json")
    assert from_demo.exit_code == 0, from_demo.output
    assert json.loads(from_demo.stdout)["notifications"] == []
    shown = _sls({"SLS_DATA_DIR": str(tmp_path / "cli")}, "phone", "conditions", PHONE, "--roaming", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["roaming"] is True


def test_sls_config_hides_the_sim_token() -> None:
    shown = CliRunner().invoke(cli, ["config", "--json"], env={"SLS_SIM_TOKEN": SIM_TOKEN}, prog_name="sls")
    assert shown.exit_code == 0, shown.output
    assert SIM_TOKEN not in shown.output
    assert "SLS_SIM_TOKEN" in shown.output

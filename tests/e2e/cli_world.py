"""The demo world on a real ``sls serve``, seeded over HTTP by ``sls demo``'s own seeding code, and the CLI
run in-process against it (click's runner: no terminal, a clean environment, a data folder of its own)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, fresh

from sls_server.cli import demofile, world_marks
from sls_server.cli.admin_client import AdminClient
from sls_server.cli.demo_seed import seed, try_this
from sls_server.cli.demo_world import World
from sls_server.cli.main import cli


@dataclass
class Demo:
    server: ServerProcess
    data_dir: Path
    info: dict[str, Any]

    @property
    def env(self) -> dict[str, str]:
        """The CLI finds the server, its token and the world through demo.json, as after `sls demo`."""
        return {
            "SLS_DATA_DIR": str(self.data_dir),
            "SLS_URL": "",
            "SLS_ADMIN_TOKEN": "",
            "SLS_SIM_TOKEN": "",
            "SLS_METRICS_TOKEN": "",
        }

    def sls(self, *args: str, input: str | None = None) -> Result:
        result = CliRunner().invoke(cli, list(args), env=self.env, prog_name="sls", input=input)
        assert "Traceback" not in result.output, result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
            result.exception
        )
        return result

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self.sls(*args, input=input)
        assert result.exit_code == 0, f"sls {' '.join(args)}:\n{result.output}"
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def user(self, name: str) -> dict[str, Any]:
        return self.info["users"][name]  # type: ignore[no-any-return]

    def device(self, name: str, kind: str) -> dict[str, Any]:
        return next(d for d in self.user(name)["devices"] if d["type"] == kind)

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        return requests.request(method, f"{self.server.url}{path}", json=body, headers=headers, timeout=10)


def seeded(server: ServerProcess, data_dir: Path) -> Demo:
    client = AdminClient(server.url, ADMIN_TOKEN)
    users = seed(client, client.with_token(None), World(None))
    info = {"url": server.url, "admin_token": ADMIN_TOKEN, "users": users, "try": try_this(users)}
    info[demofile.MARKS] = world_marks.marked(client, users)  # as `sls demo` records them
    demofile.write(data_dir, info)
    return Demo(server, data_dir, info)


@pytest.fixture(name="demo")
def seeded_demo(demo_server: ServerProcess, redis_url: str, tmp_path: Path) -> Demo:
    """The session's demo server on an empty Redis, seeded as ``sls demo`` seeds it, and a CLI data folder
    whose demo.json finds it. A module takes it by importing ``seeded_demo``."""
    return seeded(fresh(demo_server, redis_url), tmp_path / "cli-data")


def session_of(server: ServerProcess, token: str) -> requests.Response:
    return requests.get(
        f"{server.url}/api/v1/session", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def console(demo: Demo) -> tuple[requests.Session, dict[str, str]]:
    """The trainer console signed in, as its script talks to the server: the session and the CSRF header."""
    browser = requests.Session()
    url = demo.server.url

    def csrf() -> str:
        found = re.search(
            r'name="csrf_token" value="([^"]+)"', browser.get(f"{url}/trainer", timeout=10).text
        )
        assert found
        return found.group(1)

    form = {"token": ADMIN_TOKEN, "csrf_token": csrf()}
    assert (
        browser.post(f"{url}/trainer/sign-in", data=form, allow_redirects=False, timeout=10).status_code
        == 303
    )
    return browser, {"X-CSRF-Token": csrf()}


def console_restores(demo: Demo) -> None:
    """The trainer console's "Back to the demo world", as its script sends it: signed in, the CSRF token."""
    browser, headers = console(demo)
    restored = browser.post(
        f"{demo.server.url}/trainer/demo-world/restore", json={}, headers=headers, timeout=30
    )
    assert restored.status_code == 200 and restored.json()["replaced"] is True, restored.text


def console_sets_password(demo: Demo, username: str, password: str) -> None:
    """The password form of the console's users table (``/trainer/users/<u>/password``), as its script
    sends it."""
    browser, headers = console(demo)
    url = f"{demo.server.url}/trainer/users/{username}/password"
    changed = browser.post(url, json={"password": password}, headers=headers, timeout=10)
    assert changed.status_code == 200, changed.text

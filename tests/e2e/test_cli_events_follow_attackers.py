"""``sls events --follow`` names an address the attacker's from its mark on (``PUT /admin/v1/attackers``:
a scenario demo's attacker actors) and, as the server unmarks them, not after a wipe (``POST
/admin/v1/reset``) or a world loaded over the old one (``state.imported`` with ``replaced``: a scenario
demo's world put back).

QA: the follower kept every address ever marked, so once a demo had marked this machine's address, every
later login from it (the trainer's own, after the wipe) was said as the attacker's doing."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
import requests
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess, fresh

pytestmark = pytest.mark.e2e

HERE = "127.0.0.1"  # the address the server sees this test's requests from


class Follower:
    """``sls events --follow ARGS`` in a process of its own, its lines read as they come."""

    def __init__(self, server: ServerProcess, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLS_")}
        env |= {"SLS_URL": server.url, "SLS_ADMIN_TOKEN": ADMIN_TOKEN}
        command = [sys.executable, "-m", "sls_server.cli.main", "events", "--follow", "--interval", "0.1"]
        self.process = subprocess.Popen([*command, *args], env=env, stdout=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_with(self, needle: str) -> str:
        """The next line that holds ``needle`` (the lines before it are passed over)."""
        while True:
            line = self.lines.get(timeout=30)  # a follower that never prints it fails the test, not hangs it
            if needle in line:
                return line

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.communicate(timeout=10)


@pytest.fixture
def server(demo_server: ServerProcess, redis_url: str) -> ServerProcess:
    return fresh(demo_server, redis_url)


@pytest.fixture
def followers(server: ServerProcess) -> Iterator[list[Follower]]:
    """One follower of the whole trail, one of a name no user has (a filtered page never holds the wipe)."""
    started = [Follower(server), Follower(server, "--user", "ghost")]
    yield started
    for follower in started:
        follower.stop()


def admin(server: ServerProcess, method: str, path: str, body: object = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    answer = requests.request(method, f"{server.url}{path}", json=body, headers=headers, timeout=10)
    assert answer.ok, answer.text
    return answer


def guess(server: ServerProcess, password: str) -> None:
    """A login at a name no user has, from this machine: an event from ``HERE``."""
    body = {"username": "ghost", "password": password}
    assert requests.post(f"{server.url}/api/v1/auth/login", json=body, timeout=10).status_code == 401


@pytest.mark.parametrize(
    "wipe",
    [
        ("POST", "/admin/v1/reset", None),
        ("POST", "/admin/v1/state/import?replace=true", "export"),
    ],
    ids=["reset", "world-loaded-over-it"],
)
def test_an_address_is_the_attacker_s_from_its_mark_until_the_world_is_wiped(
    server: ServerProcess, followers: list[Follower], wipe: tuple[str, str, str | None]
) -> None:
    exported = admin(server, "GET", "/admin/v1/state/export").json()
    admin(server, "PUT", "/admin/v1/attackers", {"addresses": [HERE]})
    guess(server, "marked-1")
    for follower in followers:
        assert f"{HERE} (attacker)" in follower.next_with("login.password_failed")
    method, path, body = wipe
    admin(server, method, path, exported if body == "export" else None)
    guess(server, "after-2")
    for follower in followers:
        line = follower.next_with("login.password_failed")
        assert HERE in line and "(attacker)" not in line, line

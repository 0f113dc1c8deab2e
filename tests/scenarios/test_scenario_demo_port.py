"""``sls scenario demo --port``: the server a demo starts of its own listens where the trainer said (the URL
the class was given), or is refused at once when something else listens there."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_scenario_remote import no_demo, sls

from sls_scenarios.server import free_port

pytestmark = pytest.mark.e2e
SHOWN = ("trainer console", "A thief has Alice's password")  # what a demo prints once it has a server


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another server listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("by_env", [False, True], ids=["option", "SLS_PORT"])
def test_a_demo_starts_its_own_server_on_the_port_given(tmp_path: Path, by_env: bool) -> None:
    """It always took a random free port: a trainer could not give the class the URL beforehand."""
    port = free_port()
    env = {**no_demo(tmp_path), **({"SLS_PORT": str(port)} if by_env else {})}
    given = () if by_env else ("--port", str(port))
    shown = sls("demo", "stolen-card-without-pin", "--pace", "0", *given, env=env)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"trainer console: http://127.0.0.1:{port}/trainer" in shown.stdout, shown.stdout[:2000]
    assert "card.pin_locked" in shown.stdout


@pytest.mark.parametrize("by_env", [False, True], ids=["option", "SLS_PORT"])
def test_a_taken_port_is_refused_before_the_demo_begins(
    tmp_path: Path, taken_port: int, by_env: bool
) -> None:
    env = {**no_demo(tmp_path), **({"SLS_PORT": str(taken_port)} if by_env else {})}
    given = () if by_env else ("--port", str(taken_port))
    shown = sls("demo", "stolen-card-without-pin", "--pace", "0", *given, env=env)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    named = "SLS_PORT" if by_env else "--port"
    assert f"port {taken_port} is taken" in shown.stderr and f"give {named} a free port" in shown.stderr
    assert "Traceback" not in shown.stderr and not any(said in shown.stdout for said in SHOWN)


def test_a_port_with_a_server_given_is_a_usage_error(tmp_path: Path) -> None:
    """--server names a server that runs: there is no server of its own for --port to place."""
    shown = sls(
        "demo", "sim-swap", "--server", "http://127.0.0.1:9", "--admin-token", "t" * 20, "--port", "8100",
        env=no_demo(tmp_path),
    )  # fmt: skip
    assert shown.returncode == 2, shown.stdout + shown.stderr
    assert "--port is the port of a server of its own" in shown.stderr

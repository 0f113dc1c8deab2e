"""The fixture's server, its port and its life, as a project running its suite with ``-n 2`` meets them:
each worker is a session of its own and starts a server of its own, which must end with it."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from inner_pytest import pytest_child

from sls_scenarios.server import ChildServer, ServerFailed

pytestmark = pytest.mark.e2e


def test_a_port_something_listens_on_is_refused_saying_so(tmp_path: Path) -> None:
    """``SLS_PORT`` on a port another server held: the child kept retrying the bind while that server's
    ``/healthz`` answered, so the fixture took the other server for its own (and wiped its world, or met
    ``401 admin_token_required`` with no word of why)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        server = ChildServer(settings={"SLS_PORT": str(port)}, data_dir=tmp_path)
        try:
            with pytest.raises(ServerFailed, match=rf"port {port} is taken .*give SLS_PORT a free port"):
                server.start(timeout_s=20)
        finally:
            server.stop()
        assert server.process is None  # refused before any child started


WHERE = """
import os


def test_where(sls_emulator):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.path.join(os.environ["URLS"], worker + ".url"), "a") as urls:
        print(sls_emulator.url, file=urls)
    sls_emulator.create_user("carol")
"""


def test_each_xdist_worker_takes_its_own_port_from_sls_port(tmp_path: Path) -> None:
    """``SLS_PORT=P`` with ``-n 2``: both workers started ``sls serve`` on P; one bound it and both
    fixtures used that one server, wiping each other's world before every test. Worker ``gwN`` now takes
    ``P + N``."""
    port = _port_pair()
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\naddopts = -p no:cacheprovider\nsls_emulator_env =\n"
        f"    SLS_PORT={port}\n    SLS_ADMIN_TOKEN=project-admin-token-0123456789\n"
    )
    for n in range(4):
        (tmp_path / f"test_where_{n}.py").write_text(textwrap.dedent(WHERE))
    (tmp_path / "runs").mkdir()
    ran = pytest_child(tmp_path, "-n", "2", URLS=str(tmp_path / "runs"))
    assert ran.returncode == 0 and "4 passed" in ran.stdout, ran.stdout + ran.stderr
    urls = {path.stem: set(path.read_text().split()) for path in tmp_path.glob("runs/*.url")}
    assert urls == {"gw0": {f"http://127.0.0.1:{port}"}, "gw1": {f"http://127.0.0.1:{port + 1}"}}


def test_the_two_workers_ports_are_drawn_where_nothing_else_takes_ports() -> None:
    """The test above once failed: ``gw1``'s port P + 1 was taken between the check and its server's bind.
    P came from ``bind(0)``, which Linux answers in the ephemeral range with an odd port, keeping the even
    ones, P + 1 among them, for the outgoing connections every test opens on loopback."""
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    for _ in range(20):
        port = _port_pair()
        assert {port, port + 1}.isdisjoint(range(low, high + 1)), "in the ephemeral range"
        assert {port, port + 1}.isdisjoint(range(12000, 32700)), "among cluster/topology.py's ports"


def _port_pair() -> int:
    """P, with P and P + 1 free: drawn below the ports of ``cluster/topology.py`` (12000 to 22700, and their
    bus ports 10000 above), which are all below the ephemeral range; so no other test's ``bind(0)``, no
    outgoing connection and no Redis node of the suite can take either before the workers bind them."""
    rng = random.Random()
    while True:
        port = rng.randrange(10000, 11999)
        if _free(port) and _free(port + 1):
            return port


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


OWNER = """
import sys
from pathlib import Path
from sls_scenarios.server import ChildServer

server = ChildServer(data_dir=Path(sys.argv[1])).start()
print(server.process.pid, flush=True)
sys.stdin.read()  # until killed
"""


def test_the_fixtures_server_dies_with_the_test_session_that_started_it(tmp_path: Path) -> None:
    """A pytest killed outright (CI's job timeout, a lost xdist worker) runs no teardown: its ``sls serve``
    and that server's Redis stayed up, serving, holding their port, for good."""
    command = [sys.executable, "-c", OWNER, str(tmp_path)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as owner:
        assert owner.stdout is not None
        child = int(owner.stdout.readline())
        owner.kill()
    try:
        deadline = time.monotonic() + 30
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling a condition with a deadline
        assert not _alive(child), f"sls serve (pid {child}) outlived the session that started it"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGTERM)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False

"""The fixture's server and its port under pytest-xdist, as a project running its suite with ``-n 2`` meets
it: each worker is a session of its own and starts a server of its own."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

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

"""The server a scenario run starts of its own (``sls scenario demo`` without ``--server``) keeps its data,
Redis and log in a folder it makes; it goes when the server stops, or when it could not start. A folder the
caller gave (the pytest fixture's) is the caller's, and stays."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest
import requests

from sls_scenarios.server import ChildServer, ServerFailed


@pytest.fixture
def temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Python's temporary folder, for this test alone: what a server leaves there is seen."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_folder_it_made_goes_when_it_stops(temporary: Path) -> None:
    server = ChildServer().start()
    try:
        assert server.folder.parent == temporary and (server.folder / "server.log").exists()
    finally:
        server.stop()

    assert list(temporary.iterdir()) == []


def test_a_start_it_refused_leaves_no_folder(temporary: Path) -> None:
    with pytest.raises(ServerFailed, match="SLS_LOCKOUT_TRESHOLD"):
        ChildServer(settings={"SLS_LOCKOUT_TRESHOLD": "2"}).start()

    assert list(temporary.iterdir()) == []


def test_a_folder_it_was_given_stays(tmp_path: Path) -> None:
    given = tmp_path / "given"
    server = ChildServer(data_dir=given).start()
    server.stop()

    assert (given / "server.log").exists()


def test_its_admin_token_is_in_a_private_file_of_its_run_folder_while_it_runs(tmp_path: Path) -> None:
    """Where ``sls scenario demo`` sends a trainer for the token it withholds beyond loopback: it lived in
    the runner's memory and the child's environment alone. Beside the log, named apart from a data folder's
    ``admin.token``: a run folder given that is some server's data folder keeps that server's token."""
    given = tmp_path / "given"
    given.mkdir(mode=0o700)
    (given / "admin.token").write_text("another-servers-token-0123456789\n")
    server = ChildServer(data_dir=given).start()
    try:
        assert server.token_file == given / "server-admin.token"
        assert stat.S_IMODE(server.token_file.stat().st_mode) == 0o600
        assert server.token_file.read_text().strip() == server.admin_token
        mine = {"Authorization": f"Bearer {server.token_file.read_text().strip()}"}
        assert requests.get(f"{server.url}/admin/v1/clock", headers=mine, timeout=10).status_code == 200
    finally:
        server.stop()
    assert not server.token_file.exists()  # a stopped server's token opens nothing: not left behind
    assert (given / "admin.token").read_text() == "another-servers-token-0123456789\n"


def test_a_run_folder_given_again_holds_the_new_servers_token(tmp_path: Path) -> None:
    first = ChildServer(data_dir=tmp_path).start()
    first.stop()
    first.token_file.write_text("a-token-left-behind-0123456789\n")  # as a run killed before its stop
    second = ChildServer(data_dir=tmp_path).start()
    try:
        assert second.token_file.read_text().strip() == second.admin_token != first.admin_token
    finally:
        second.stop()

"""The server a scenario run starts of its own (``sls scenario demo`` without ``--server``) keeps its data,
Redis and log in a folder it makes; it goes when the server stops, or when it could not start. A folder the
caller gave (the pytest fixture's) is the caller's, and stays."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

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

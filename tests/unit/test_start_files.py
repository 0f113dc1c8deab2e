"""A start's generated secrets (``start_files``): taken back when the start fails, kept when it succeeds,
and the data folder held meanwhile so a second start never reads a key the first takes back. The real
processes' side is ``tests/e2e/test_start_failures.py``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sls_server.runtime import read_or_create
from sls_server.start_files import taken_back_if_failed

#: Another process's try at the folder's lock, without waiting: exit 0 if it got it, 1 if a start holds it.
TRY_LOCK = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(1)
"""


def locked_elsewhere(folder: Path) -> bool:
    done = subprocess.run([sys.executable, "-c", TRY_LOCK, str(folder)], timeout=30, check=False)
    assert done.returncode in (0, 1)
    return done.returncode == 1


def test_a_failed_start_takes_back_what_it_made_and_only_that(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("kept\n")
    (tmp_path / "secret.key").chmod(0o600)
    with pytest.raises(RuntimeError), taken_back_if_failed():
        assert read_or_create(tmp_path / "secret.key", "new") == "kept"
        assert read_or_create(tmp_path / "admin.token", "made") == "made"
        with taken_back_if_failed():  # nested (the gateway's hold around start()'s own): the outer owns it
            read_or_create(tmp_path / "other.token", "made too")
        raise RuntimeError("the start failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.key"]
    assert (tmp_path / "secret.key").read_text() == "kept\n"


def test_a_start_that_succeeded_keeps_what_it_made(tmp_path: Path) -> None:
    with taken_back_if_failed():
        read_or_create(tmp_path / "admin.token", "made")
    assert (tmp_path / "admin.token").read_text() == "made\n"


def test_the_folder_is_held_from_its_first_secret_to_the_starts_end(tmp_path: Path) -> None:
    """A second start that read the first's key, then served it after the first took it back, would seal
    under a key no file keeps: it waits for the first to end instead."""
    with pytest.raises(RuntimeError), taken_back_if_failed():
        assert not locked_elsewhere(tmp_path)
        read_or_create(tmp_path / "secret.key", "made")
        assert locked_elsewhere(tmp_path)
        raise RuntimeError("the start failed")
    assert not locked_elsewhere(tmp_path)
    read_or_create(tmp_path / "admin.token", "outside a start")  # create_app's: no lock, kept
    assert not locked_elsewhere(tmp_path) and (tmp_path / "admin.token").exists()

"""The data folder's secrets and the CLI's kept files (``sls_server.private_files``): made 0700/0600 whatever
the umask, read only while they are this user's own and nobody else may write them, made whole before their
name appears. Found by a review: under ``umask 000`` the folder was 0777, and another local user replaced
``admin.token`` with their own (a 200 from ``/admin/v1`` with it) or planted a ``demo.json`` whose url
received the next ``sls login``'s password."""

from __future__ import annotations

import multiprocessing
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sls_server.cli import demofile
from sls_server.private_files import NotPrivate, create_once, private_folder, read_private
from sls_server.runtime import read_or_create


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_folder_is_made_0700_and_one_others_may_write_is_narrowed(
    tmp_path: Path, open_umask: None
) -> None:
    made = private_folder(tmp_path / "a" / "data")
    assert mode(made) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o777)
    assert mode(loose) == 0o777
    private_folder(loose)
    assert mode(loose) == 0o755


def test_a_secret_is_made_0600_whole_and_then_read_back(tmp_path: Path, open_umask: None) -> None:
    path = tmp_path / "data" / "admin.token"
    assert create_once(path, "first\n") == "first\n"
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert create_once(path, "second\n") == "first\n", "made once"
    assert [p.name for p in path.parent.iterdir()] == ["admin.token"], "no name of the making left behind"


def test_a_file_others_may_write_or_a_link_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "admin.token"
    path.write_text("planted\n")
    os.chmod(path, 0o666)
    with pytest.raises(NotPrivate):
        read_private(path)
    with pytest.raises(OSError):
        read_or_create(path, "mine")
    target = tmp_path / "elsewhere"
    target.write_text("x")
    os.chmod(target, 0o600)
    link = tmp_path / "linked"
    link.symlink_to(target)
    with pytest.raises(OSError):  # O_NOFOLLOW: a link planted under the name is not followed
        read_private(link)


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_another_users_file_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "admin.token"
    path.write_text("theirs\n")
    os.chmod(path, 0o600)
    os.chown(path, 65534, -1)
    with pytest.raises(NotPrivate, match="not a file of this user's"):
        read_private(path)


def test_an_empty_secret_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text("")
    os.chmod(path, 0o600)
    with pytest.raises(OSError, match="is empty"):
        read_or_create(path, "ab" * 32)


def _make(path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(read_or_create(Path(path), os.urandom(8).hex()))


def test_racing_processes_agree_on_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "data" / "secret.key"
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_make, args=(str(path), queue)) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    values = {queue.get(timeout=10) for _ in workers}
    assert values == {path.read_text().strip()}


def test_a_demo_json_others_may_write_is_not_used(tmp_path: Path) -> None:
    demofile.write_private_json(tmp_path / demofile.FILENAME, {"url": "http://127.0.0.1:1"})
    assert demofile.read(tmp_path) == {"url": "http://127.0.0.1:1"}
    os.chmod(tmp_path / demofile.FILENAME, 0o666)
    assert demofile.read(tmp_path) is None


def test_a_json_file_that_cannot_replace_its_target_leaves_no_copy(tmp_path: Path) -> None:
    """A folder in demo.json's place: the copy written beside it (the demo's passwords, its admin token)
    stayed, as ``.demo.json.<pid>.tmp``."""
    (tmp_path / "demo.json").mkdir()
    with pytest.raises(IsADirectoryError):
        demofile.write(tmp_path, {"admin_token": "not-left-behind"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json"]

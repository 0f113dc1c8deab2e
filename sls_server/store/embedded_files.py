"""Where the embedded Redis keeps its files and its socket, and who may read them.

It has no password, so nobody else may reach it: its unix socket is in a 0700 folder, and its append-only
file and log (user records, sessions, lockouts) are 0600. Files left by an older version with looser modes
are tightened at start. A data folder whose socket path would not fit in ``sun_path`` gets its socket in a
short private folder of its own instead.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
#: The longest unix socket path that binds everywhere: ``sun_path`` is 108 bytes on Linux and 104 on macOS,
#: both counting the final NUL. A longer data folder gets its socket in a short private folder instead.
MAX_SOCKET_PATH = 103


class EmbeddedRedisError(RuntimeError):
    pass


def private_dir(path: Path, *, shared_parent: bool = False) -> Path:
    """Make ``path`` exist with mode 0700 and check that it is ours.

    With ``shared_parent`` (a folder under ``/tmp``, where anyone may create names) a symlink or another
    user's folder under the expected name is refused rather than used: someone who planted it could read
    the socket or swap it.
    """
    path.mkdir(mode=0o700, parents=not shared_parent, exist_ok=True)
    info = os.lstat(path) if shared_parent else os.stat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise EmbeddedRedisError(f"{path} is not a folder of this user; refusing to put Redis's files in it")
    os.chmod(path, 0o700)
    return path


def tighten(folder: Path) -> None:
    """Make every file under ``folder`` 0600 and every folder 0700 (left by a version that wrote them
    world-readable). Symlinks are left alone: chmod would follow them out of the folder."""
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            entry = Path(root) / name
            if not entry.is_symlink():
                entry.chmod(0o700)
        for name in files:
            entry = Path(root) / name
            if not entry.is_symlink():
                entry.chmod(0o600)


def socket_fits(data_dir: Path) -> bool:
    """Can the socket be in the data folder itself (its path fits in ``sun_path``)?"""
    return len(os.fsencode(data_dir / SOCKET_NAME)) <= MAX_SOCKET_PATH


def short_socket_dir(data_dir: Path) -> Path:
    """A fresh private folder with a short path for the socket of a data folder whose own path is too long."""
    for base in (os.environ.get("XDG_RUNTIME_DIR"), "/tmp"):
        if base and Path(base).is_dir() and len(os.fsencode(base)) <= MAX_SOCKET_PATH - 30:
            folder = Path(tempfile.mkdtemp(prefix="sls-redis-", dir=base))  # 0700, a fresh name
            log.info(
                "data folder %s too long for a unix socket path: the embedded Redis socket is in %s",
                data_dir,
                folder,
            )
            return folder
    raise EmbeddedRedisError(f"no folder short enough for a unix socket (data folder {data_dir})")

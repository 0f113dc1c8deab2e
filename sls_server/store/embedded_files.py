"""Where the embedded Redis keeps its files and its socket, and who may read them.

It has no password, so nobody else may reach it: its unix socket is in a 0700 folder, and its append-only
file and log (user records, sessions, lockouts) are 0600. Files left by an older version with looser modes
are tightened at start. A data folder whose socket path would not fit in ``sun_path`` gets its socket in a
short private folder instead, and the server that runs the Redis says where (``publish_socket``): a second
server on that data folder, which shares it, could not guess a fresh folder's name.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

from ..private_files import NotPrivate, read_private

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
#: The longest unix socket path that binds everywhere: ``sun_path`` is 108 bytes on Linux and 104 on macOS,
#: both counting the final NUL. A longer data folder gets its socket in a short private folder instead.
MAX_SOCKET_PATH = 103
#: In the data folder: the socket path of its running Redis, when it is not in the data folder itself.
SOCKET_RECORD = "redis.socket.path"
SHORT_DIR_PREFIX = "sls-redis-"


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
            folder = Path(tempfile.mkdtemp(prefix=SHORT_DIR_PREFIX, dir=base))  # 0700, a fresh name
            log.info(
                "data folder %s too long for a unix socket path: the embedded Redis socket is in %s",
                data_dir,
                folder,
            )
            return folder
    raise EmbeddedRedisError(f"no folder short enough for a unix socket (data folder {data_dir})")


def publish_socket(data_dir: Path, socket_path: Path) -> None:
    """Say where the Redis of ``data_dir`` listens, before it is started: written whole (0600) under a
    name of its own, then renamed in place, so a server starting beside it never reads half a path."""
    descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=f".{SOCKET_RECORD}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(str(socket_path))
        os.replace(temporary, data_dir / SOCKET_RECORD)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def unpublish_socket(data_dir: Path) -> None:
    """The Redis stopped and its short folder is gone: nothing to point at."""
    (data_dir / SOCKET_RECORD).unlink(missing_ok=True)


def published_socket(data_dir: Path) -> Path | None:
    """The socket path the server running the Redis of ``data_dir`` said it uses, if it is one to trust:
    a file of this user's nobody else may write, naming a short ``sls-redis-`` folder of this user's that
    only they may enter, and there either nothing yet (its Redis is starting) or a socket of this user's.
    Anything else (a planted record, a folder gone with its owner) is None: never followed."""
    try:
        text = read_private(data_dir / SOCKET_RECORD).strip()
    except (OSError, NotPrivate, UnicodeDecodeError):
        return None
    path = Path(text)
    if (
        not path.is_absolute()
        or os.path.normpath(text) != text
        or path.name != SOCKET_NAME
        or not path.parent.name.startswith(SHORT_DIR_PREFIX)
        or len(os.fsencode(path)) > MAX_SOCKET_PATH
    ):
        return None
    try:
        folder = os.lstat(path.parent)
    except OSError:
        return None
    if not stat.S_ISDIR(folder.st_mode) or folder.st_uid != os.getuid() or folder.st_mode & 0o077:
        return None
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError:
        return None
    return path if stat.S_ISSOCK(found.st_mode) and found.st_uid == os.getuid() else None

"""The data folder's secrets (``secret.key``, ``admin.token``) and the files the CLI keeps there: made by
their owner for their owner, and trusted only when they still are.

Another local user must not be able to read them, nor to put their own in their place: a planted
``admin.token`` would be the planter's token to ``/admin/v1``, a planted ``demo.json`` would send the next
``sls login``'s password to the planter's server. So the folder is made 0700 whatever the umask (and
narrowed, when it is ours and others may write in it), a file is read only when it is this user's own and
nobody else may write it, and a file made once is made whole before its name appears (``os.link``), so a
process starting beside the one making it never reads it half-written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class NotPrivate(PermissionError):
    """A file or folder another user owns, or may write: not to be trusted with a secret."""


def private_folder(path: Path) -> Path:
    """``path`` as a folder of this user's that only they may write, made 0700 if it is new."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise NotPrivate(f"{path} is not a folder of this user's")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        os.chmod(path, stat.S_IMODE(info.st_mode) & ~(stat.S_IWGRP | stat.S_IWOTH))
    return path


def read_private(path: Path) -> str:
    """The text of ``path``, if it is this user's own file that nobody else may write (a link is not
    followed); ``NotPrivate`` otherwise, ``FileNotFoundError`` when there is none."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, encoding="utf-8") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
            raise NotPrivate(f"{path} is not a file of this user's")
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise NotPrivate(f"{path} may be written by others (mode {stat.S_IMODE(info.st_mode):o})")
        return handle.read()


def create_once(path: Path, text: str) -> str:
    """``text`` at ``path``, mode 0600, unless a file is there already: the text in force either way. The
    file is written whole under a name of its own, then linked in place (which fails if the name exists),
    so racing processes agree on one value and none reads a file still being written."""
    folder = private_folder(path.parent)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return read_private(path)
        return text
    finally:
        os.unlink(temporary)

"""The lock that says which process runs a data folder's embedded redis-server.

Whoever runs it holds an exclusive ``flock`` on ``redis.owner.lock`` in its folder for as long as it owns it
(across its watchdog's restarts too). Another server sharing that Redis can then tell an owner starting its
crashed Redis again (the lock held: wait) from an owner that is gone (the lock free: take over), without
guessing from pids: a lock dies with its process, however it ends. Only the process that started the
redis-server may hold it: a forked child (``sls demo``'s server, gunicorn's workers) closes its copy at once,
or it would keep the lock held after the owner died, and no sharer would take over while it outlived it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import weakref
from pathlib import Path

LOCK_NAME = "redis.owner.lock"

_HELD: weakref.WeakSet[OwnerLock] = weakref.WeakSet()


class OwnerLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def take(self) -> bool:
        """Take the lock without waiting (True when this process holds it already); False when another live
        process holds it. Opened O_CLOEXEC: a redis-server this process runs must not inherit it."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        _HELD.add(self)
        return True

    def release(self) -> None:
        """Give the lock up (closing this process's only descriptor of it frees it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            _HELD.discard(self)

    def _forget(self) -> None:
        """In a forked child: close the inherited copy without unlocking (that would free the parent's)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def still_running(pid: int) -> bool:
    """Is process ``pid`` running (a zombie, on Linux where ``/proc`` tells, is not)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _forget_in_child() -> None:
    for lock in list(_HELD):
        lock._forget()


os.register_at_fork(after_in_child=_forget_in_child)

"""The secrets a start generates in its data folder, taken back when that start fails.

A start that fails leaves the data folder as it found it (docs/operations.md, "When a start fails"): the
``secret.key`` and ``admin.token`` it generated go with it, else the next start (on another Redis, say)
takes them for the folder's own, and an operator who moved the folder aside reads a key nothing was sealed
under as if it mattered. Only what this start made goes, and only while it holds what the start wrote: a
key that was there before may seal what a Redis holds, and losing it loses those secrets.

While a start is open, the data folder is locked (``flock`` on the folder itself: nothing is written in
it) from before its secrets are read until the start has succeeded or failed. A second ``sls`` start on
the folder (``sls demo`` beside ``sls gateway`` share one) waits for the first, so it never reads, and
serves, a key the first then takes back. ``create_app`` alone (no start open) neither locks nor takes back.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from .private_files import read_private


class _Start:
    """One start's locks and the files it generated (with the text it wrote in each)."""

    def __init__(self) -> None:
        self.made: list[tuple[Path, str]] = []
        self.locks: dict[Path, int] = {}

    def take_back(self) -> None:
        for path, text in reversed(self.made):
            with contextlib.suppress(OSError):  # gone, or no longer ours: nothing of this start's to take
                if read_private(path) == text:
                    path.unlink()

    def release(self) -> None:
        for descriptor in self.locks.values():
            os.close(descriptor)  # the lock goes with the descriptor


_open: _Start | None = None


@contextlib.contextmanager
def taken_back_if_failed() -> Iterator[None]:
    """Open a start for the block: what it generates (:func:`made`) is removed if the block raises, kept if
    it returns; its data folder's lock (:func:`lock`) is released either way. Not nested: the outer block
    owns the start."""
    global _open
    if _open is not None:
        yield
        return
    start = _open = _Start()
    try:
        yield
    except BaseException:
        start.take_back()
        raise
    finally:
        _open = None
        start.release()


def lock(folder: Path) -> None:
    """Hold ``folder`` (an existing data folder) for the open start, waiting for another start's to end;
    nothing without an open start."""
    if _open is None or folder in _open.locks:
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except BaseException:
        os.close(descriptor)
        raise
    _open.locks[folder] = descriptor


def made(path: Path, text: str) -> None:
    """``path`` was generated, holding ``text``, by the open start (none: kept, as every generated file)."""
    if _open is not None:
        _open.made.append((path, text))

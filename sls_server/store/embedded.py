"""An embedded ``redis-server`` for when no ``SLS_REDIS_URL`` is given.

It runs as a child process (``embedded_process``) with its data and append-only file in a folder of ours
(``embedded_files``: who may read them, where its socket is), so ``sls demo`` needs nothing installed
beforehand and a restart keeps lockouts and sessions.

A second server on the same data folder shares the running Redis (``owner_lock``: which process owns it),
and takes it over when its owner is gone (``embedded_watch`` looks).
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from . import embedded_process
from .embedded_files import (
    SOCKET_NAME,
    SOCKET_RECORD,
    EmbeddedRedisError,
    private_dir,
    publish_socket,
    published_socket,
    short_socket_dir,
    socket_fits,
    tighten,
    unpublish_socket,
)
from .embedded_process import find_redis_server, free_port
from .owner_lock import OwnerLock, still_running

__all__ = ["EmbeddedRedis", "EmbeddedRedisError", "find_redis_server", "free_port"]

log = logging.getLogger(__name__)


class EmbeddedRedis:
    """One redis-server child process; ``start()`` and ``stop()`` may be called repeatedly (fault tests).

    The socket path is chosen at the first start and kept, so a client (or a gunicorn worker handed
    ``url``) reconnects to a restarted server by itself.
    """

    def __init__(self, data_dir: Path, *, appendonly: bool = True) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.appendonly = appendonly
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_path: Path | None = None
        self._own_socket_dir = False  # a short folder made for the socket, removed at stop
        self.shared = False
        """True when another server's embedded Redis already served the data folder and this one uses it."""
        self.parent_pid: int | None = None
        """The process that started the redis-server: only it can tell whether its child has exited."""
        self._lock: OwnerLock | None = None  # held while this process owns the redis-server (``owner_lock``)
        self.seen_pid: int | None = None
        """The shared redis-server's pid, as it last answered: a takeover waits for it to have exited."""
        self.tell_stop = False
        """Log how ``stop`` ended the redis-server: set once the server serves (``sls serve``, ``sls
        gateway``, a seeded ``sls demo``), so its last line says whether the AOF was written out; a failed
        start's stop stays silent, its error the one line (``cli.start_lines``)."""

    @property
    def owns(self) -> bool:
        """Does this process hold the folder's owner lock (it runs, or is about to run, the redis-server)?"""
        return self._lock is not None and self._lock.held

    def _take_lock(self) -> bool:
        if self._lock is None:
            self._lock = OwnerLock(self.data_dir)
        try:
            return self._lock.take()
        except OSError as exc:
            raise EmbeddedRedisError(
                f"its lock file {self._lock.path} cannot be used: {exc.strerror or exc}"
            ) from None

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()

    @property
    def url(self) -> str:
        if self.socket_path is None:
            raise EmbeddedRedisError("the embedded Redis has not been started")
        return f"unix://{quote(str(self.socket_path))}"

    def start(self, timeout_s: float = 10.0) -> EmbeddedRedis:
        if (self.process and self.process.poll() is None) or self.shared:
            return self
        try:
            private_dir(self.data_dir)
            tighten(self.data_dir)
            if self.socket_path is None and socket_fits(self.data_dir):
                self.socket_path = self.data_dir / SOCKET_NAME
            if self.socket_path is not None:  # kept from a start before, or a shared one's: made again
                private_dir(self.socket_path.parent, shared_parent=self._own_socket_dir)
        except FileExistsError:  # a file where its folder must be: said in a line, not a traceback
            raise EmbeddedRedisError(
                f"its folder {self.data_dir} cannot be made: a file is in its place"
            ) from None
        except OSError as exc:
            raise EmbeddedRedisError(
                f"its folder {self.data_dir} cannot be made: {exc.strerror or exc}"
            ) from None
        had_lock = self.owns
        if not had_lock and ((self.socket_path is not None and self.answers()) or not self._take_lock()):
            # Another sls process (``sls demo`` beside ``sls gateway``) serves this data folder already (its
            # Redis answers, or it holds the lock: starting its Redis, or starting it again): a second
            # redis-server would take over the socket and append to the same AOF, and the two servers would
            # silently stop sharing a world. Use the running one; it stays its owner's to stop, unless its
            # owner goes (``embedded_watch``: then this one takes it over).
            if self.socket_path is None:
                self.socket_path = self._owners_socket(timeout_s)
                self._own_socket_dir = True  # ours to check, and to remove should this one take it over
            self.shared = True
            log.info(
                "the embedded Redis of %s is already running (another sls server): sharing it", self.data_dir
            )
            return self
        self.shared = False
        try:
            if self.socket_path is None:  # too long a data folder: a short one of ours, said where it is
                self._own_socket_dir = True
                self.socket_path = short_socket_dir(self.data_dir) / SOCKET_NAME
            if self._own_socket_dir:
                publish_socket(self.data_dir, self.socket_path)
            self._run(timeout_s)
        except BaseException:
            if not had_lock:  # a first start that failed; a watchdog's restart keeps it (it tries again)
                self._release_lock()
            raise
        return self

    def _owners_socket(self, timeout_s: float) -> Path:
        """Where the owner of a data folder too long for a socket path put its socket (``publish_socket``).
        It says so just after taking the lock, before starting its Redis: until the path it names answers,
        the record read may be the one of an owner gone before it, so it is read again."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = published_socket(self.data_dir)
            if found is not None:
                self.socket_path = found
                if self.answers() or time.monotonic() >= deadline:
                    return found
            elif time.monotonic() >= deadline:
                raise EmbeddedRedisError(
                    f"the sls server running the embedded Redis of {self.data_dir} did not say where its "
                    f"socket is ({self.data_dir / SOCKET_RECORD} names no private socket of this user's)"
                )
            time.sleep(0.05)  # polling another process that is starting its Redis, not waiting for time

    def _run(self, timeout_s: float) -> None:
        """Start the redis-server on our socket and wait until it answers; a failure leaves none running."""
        assert self.socket_path is not None
        self.parent_pid = os.getpid()
        self.process = embedded_process.spawn(self.socket_path, self.data_dir, appendonly=self.appendonly)
        try:
            embedded_process.wait_ready(self.process, self.socket_path, self.data_dir, timeout_s)
        except BaseException:
            self._undo_start()
            raise
        log.info(
            "embedded redis-server started on %s (no TCP port), data in %s", self.socket_path, self.data_dir
        )

    def answers(self) -> bool:
        """Does a Redis answer on our socket (another process's embedded Redis, or ours)?"""
        assert self.socket_path is not None
        pid = embedded_process.answering_pid(self.socket_path)
        if pid is not None and not self.owns:  # whose it is: a takeover must wait until it has exited
            self.seen_pid = pid
        return pid is not None

    def _undo_start(self) -> None:
        """A failed start leaves nothing: no redis-server still starting, no socket file of a dead one."""
        if self.process is not None:
            embedded_process.end(self.process)
            self.process = None
        if self.socket_path is not None:
            with contextlib.suppress(OSError):
                self.socket_path.unlink(missing_ok=True)
                if self._own_socket_dir:
                    self.socket_path.parent.rmdir()

    def take_over(self) -> bool:
        """A shared Redis whose owner is gone: take the lock and start it on the same socket from its AOF, and
        own it from now on (``stop`` stops it). False when the owner lives (it holds the lock: its watchdog
        starts its Redis again) or another sharer won the lock first; that one stays a sharer. Raises
        :class:`EmbeddedRedisError` (the lock given back, a sharer still) when no redis-server started."""
        if not self.shared or not self._take_lock():
            return False
        if self.seen_pid is not None and still_running(self.seen_pid):
            # The owner is gone but its redis-server, told to stop with it, is still writing the AOF; at
            # its exit it removes the socket file, which would then be ours. The next look tries again.
            self._release_lock()
            return False
        self.shared = False
        try:
            self.start()
        except BaseException:
            self._release_lock()
            self.shared = True
            raise
        return True

    def stop(self) -> None:
        """Stop our redis-server (a shared one is its owner's to stop), then give up the owner lock: only
        once it no longer writes the AOF may a sharer take over."""
        self.shared = False
        if not self.process:
            self._release_lock()
            return
        was_running = self.process.poll() is None
        killed = embedded_process.end(self.process)
        if self.tell_stop:
            ended = embedded_process.Ended(was_running, killed, self.process.returncode)
            log.log(*embedded_process.how_it_ended(ended, self.data_dir, appendonly=self.appendonly))
        self.process = None
        if self._own_socket_dir and self.socket_path is not None:
            # Redis removes its socket at shutdown; the empty folder goes too (start() makes it again), and
            # the record of where it was, while this one still holds the lock.
            with contextlib.suppress(OSError):
                self.socket_path.unlink(missing_ok=True)
                self.socket_path.parent.rmdir()
            with contextlib.suppress(OSError):
                unpublish_socket(self.data_dir)
        self._release_lock()

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()

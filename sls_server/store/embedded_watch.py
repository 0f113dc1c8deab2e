"""Keeps the embedded redis-server running while ``sls serve`` does.

Without it, a redis-server that dies (killed, out of memory) leaves the service answering 503 for good, with
nothing in the log but each request's warning, although everything needed to come back is on disk: the AOF
in the data folder and the socket path every worker already uses. The watchdog looks once a second from the
gunicorn master, logs an error naming what happened, and starts the server again on the same socket from
its AOF; the workers' next command reconnects by itself. A server this process does not own (``shared``:
another sls process's, as ``sls gateway`` beside ``sls demo`` on one data folder) is its owner's to start
again while that owner lives: the owner holds the folder's lock (``owner_lock``) for as long as it runs the
redis-server, and a watchdog that finds the shared Redis silent tries it without waiting. Held: the owner
lives and its own watchdog starts its Redis again (starting a second one would race it for the socket and
the AOF: two redis-servers appending to one file), so this one waits and says once, at error level, that
requests answer 503 meanwhile. Free: the owner is gone (a lock dies with its process); once the
redis-server it told to stop with it has exited too (at its exit it would remove the new one's socket
file), this server takes the lock, starts the redis-server on the same socket from the AOF and owns it from
then on (its stop stops it), said once at warning level: the world lives on. Before, it answered 503 until
restarted. Two sharers finding it gone together: the lock decides, and the other stays a sharer of the new
owner's Redis.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

from .embedded import EmbeddedRedis, EmbeddedRedisError

log = logging.getLogger(__name__)


def how_it_ended(returncode: int | None) -> str:
    """What an exit status tells, as words after "exited". Under gunicorn the master reaps every child that
    exits (its SIGCHLD handler waits for any pid), so ``Popen`` finds its child gone and reads 0: a 0 says
    nothing there, and is left unsaid rather than reported as a clean exit after a SIGKILL."""
    if not returncode:
        return ""
    if returncode < 0:
        try:
            return f", killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f", killed by signal {-returncode}"
    return f" with code {returncode}"


class Watchdog:
    def __init__(self, server: EmbeddedRedis, *, every_s: float = 1.0) -> None:
        self._server = server
        self._every_s = every_s
        self._stopped = threading.Event()
        self._lock = threading.Lock()  # a look and a stop never overlap: stop() must not race a restart
        self._thread: threading.Thread | None = None
        self._owner_gone = False  # a shared server that stopped answering, said once

    def start(self) -> Watchdog:
        """Look once a second from now on, if this process started the server (``sls demo`` serves from a
        forked child: there its parent, which owns the redis-server, watches) or shares another's."""
        if self._server.parent_pid != os.getpid() and not self._server.shared:
            return self
        self._thread = threading.Thread(target=self._run, name="sls-embedded-redis-watchdog", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Before the server is stopped on purpose, or the watchdog would start it again."""
        with self._lock:
            self._stopped.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def check(self) -> bool:
        """One look: True when the server had exited and was started again (or tried to be)."""
        with self._lock:
            server = self._server
            if server.shared and not self._stopped.is_set():
                self._look_at_shared()
                return False
            process = server.process
            if self._stopped.is_set() or server.shared or process is None or server.parent_pid != os.getpid():
                return False
            if process.poll() is None:
                return False
            log.error(
                "the embedded redis-server exited%s (its log: %s); starting it again from its AOF",
                how_it_ended(process.returncode),
                server.data_dir / "redis.log",
            )
            server.process = None
            if process.stderr:
                process.stderr.close()
            try:
                server.start()
            except (EmbeddedRedisError, OSError) as exc:  # the next look tries again; until then, 503s
                log.error("the embedded redis-server did not start again: %s", exc)
                if server.process is None:  # failed before a process was made: still one to look at
                    server.process = process
                return True
            log.warning("the embedded redis-server is back on %s", server.socket_path)
            return True

    def _run(self) -> None:
        while not self._stopped.wait(self._every_s):
            self.check()

    def _look_at_shared(self) -> None:
        """Take over another process's Redis this one shares when it stops answering and that process is
        gone; while it lives, say once that its Redis stopped answering, and once when it is back."""
        server = self._server
        answers = server.answers()
        if not answers and self._take_over():
            self._owner_gone = False
            return
        if answers and self._owner_gone:
            log.warning("the embedded Redis of %s answers again", server.data_dir)
        elif not answers and not self._owner_gone:
            log.error(
                "the embedded Redis of %s, which this server shares with the sls server that started it, "
                "does not answer while that server still runs (starting it again, or stopping: then this "
                "server takes it over): every request that needs Redis answers 503 until it is back",
                server.data_dir,
            )
        self._owner_gone = not answers

    def _take_over(self) -> bool:
        """The shared Redis is silent: its owner's gone when its lock is free, and this server runs it now."""
        server = self._server
        try:
            if not server.take_over():
                return False
        except (EmbeddedRedisError, OSError) as exc:  # a sharer still: the next look tries again
            log.error("the embedded Redis of %s could not be taken over: %s", server.data_dir, exc)
            return False
        log.warning(
            "the sls server that ran the embedded Redis of %s is gone and took it along: this server "
            "took it over and started it again from its AOF on %s; it now stops with this server",
            server.data_dir,
            server.socket_path,
        )
        return True

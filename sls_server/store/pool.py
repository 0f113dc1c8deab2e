"""redis-py's connection pool for one Redis (and each master of a Cluster), minus the costs it pays on every
round trip.

A py-spy profile of a worker under ``sls bench`` found them among redis-py's own lines:

- **The fork check.** The pool compares its owner's pid with ``os.getpid()`` when it hands out a connection
  and again when it takes it back, so that a forked child never uses its parent's sockets. Each is a system
  call (glibc no longer caches the pid), two per round trip. Here the process's pid is kept in a variable
  that ``os.register_at_fork`` refreshes in every child, and redis-py's own check, with its reset, runs
  only when the two differ: a child still gets fresh connections on its first command.
- **A deprecation wrapper.** ``ConnectionPool.get_connection`` is wrapped by ``deprecated_args``, which
  builds a dict of the call's arguments on every call to warn about arguments redis-py itself never passes.
  The pool hands out connections through the undecorated function.

Everything else (the lock, the idle list, the check that a pooled connection holds no unread reply) is
redis-py's, unchanged, for every command sent through redis-py.

The store's own batches (``batch``: every round trip of a login flow) skip the pool: each thread
has a connection of its own (:meth:`LeanPool.own_connection`). Handing a pooled connection out and taking
it back cost about 15 µs of CPU a round trip here, most of it the check for an unread reply (three system
calls: a timeout set to zero, a read, the timeout set back) and redis-py's observability hooks. A
connection only one thread's batches ever use needs no such check: a batch that did not read all its
answers closes the connection (``flights.Flight.land``), which the next batch opens again. The connections
have the pool's settings and close with it (:meth:`LeanPool.disconnect`), or when their thread ends (the
thread's data goes, and redis-py closes a connection it collects); a forked child makes its own. They are
not counted against the pool's ``max_connections``: that count only ever goes down when a connection comes
back to the pool, and these never do, so short-lived threads (a test's racing requests) would use it up.
A server's threads are few and fixed (gunicorn's), and so are these connections.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

import redis

_pid = os.getpid()


def _forked() -> None:
    global _pid
    _pid = os.getpid()


os.register_at_fork(after_in_child=_forked)

#: ``ConnectionPool.get_connection`` without its ``deprecated_args`` wrapper (``functools.wraps`` keeps it).
_get_connection: Any = getattr(
    redis.ConnectionPool.get_connection, "__wrapped__", redis.ConnectionPool.get_connection
)


class LeanPool(redis.ConnectionPool):
    """See the module's docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own = threading.local()
        self._owned: weakref.WeakSet[Any] = weakref.WeakSet()

    def own_connection(self) -> Any:
        """This thread's own connection (made on first use, and again in a forked child)."""
        own = self._own
        connection = getattr(own, "connection", None)
        if connection is None or own.pid != _pid:
            connection = self.connection_class(**self.connection_kwargs)
            own.connection, own.pid = connection, _pid
            self._owned.add(connection)
        return connection

    def disconnect(self, inuse_connections: bool = True) -> None:
        """Every connection closed, the threads' own ones too (each reconnects when next used)."""
        super().disconnect(inuse_connections)
        for connection in list(self._owned):
            connection.disconnect()

    def _checkpid(self) -> None:
        if self.pid != _pid:
            super()._checkpid()

    def get_connection(self, command_name: Any = None, *keys: Any, **options: Any) -> Any:
        return _get_connection(self, command_name, *keys, **options)

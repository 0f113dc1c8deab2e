"""redis-py's connection pool for one Redis, minus two costs it pays on every round trip.

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
redis-py's, unchanged.
"""

from __future__ import annotations

import os
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

    def _checkpid(self) -> None:
        if self.pid != _pid:
            super()._checkpid()

    def get_connection(self, command_name: Any = None, *keys: Any, **options: Any) -> Any:
        return _get_connection(self, command_name, *keys, **options)

"""The master found through Sentinel within one Redis timeout, however many Sentinels do not answer.

redis-py looks the master up each time it opens a connection to it, asking the Sentinels in turn, each for a
whole socket timeout, and a lookup that finds no master raises ``MasterNotFoundError``, a
``ConnectionError``, which the master's ``Retry`` (``connection.connect``) takes for a refused connection and
tries twice more. A Sentinel that takes connections and never answers (its host frozen, swapping) so cost a
request three timeouts before its 503, and three of them nine.

So here (:func:`sentinel_master`):

- each Sentinel is asked for its share of the timeout (``SLS_REDIS_TIMEOUT`` divided by their number; a
  Sentinel answers ``SENTINEL MASTERS`` from memory in microseconds), so asking them all in turn takes one
  timeout at most, and a good Sentinel after a frozen one still answers within the same request (redis-py
  then asks it first);
- a lookup that found no master and met a Sentinel that did not answer raises :class:`SentinelsUnanswered`, a
  ``TimeoutError``, which is not retried (a frozen Sentinel will not answer the second time either). One
  whose Sentinels all refused, or named no master in a healthy state (a failover under way), is still a
  ``MasterNotFoundError`` and retried at once, as a refused connection is.

Failover is unchanged: a connection to a master that turned replica is closed on its ``READONLY`` answer, and
the next connection looks the master up again.
"""

from __future__ import annotations

from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import MasterNotFoundError, Sentinel

from ..redis_urls import RedisTarget


class SentinelsUnanswered(redis.exceptions.TimeoutError):
    """No Sentinel named the master, and at least one did not answer within its share of the timeout."""


class _Sentinels(Sentinel):
    def discover_master(self, service_name: str) -> tuple[str, int]:
        """redis-py's lookup (the first Sentinel naming a healthy master wins, and is asked first from
        then on), telling apart a lookup that waited on a Sentinel from one that was refused."""
        waited = False
        for position, sentinel in enumerate(self.sentinels):
            try:
                masters = sentinel.sentinel_masters()
            except redis.exceptions.TimeoutError:
                waited = True
                continue
            except redis.exceptions.ConnectionError:
                continue
            state = masters.get(service_name) if isinstance(masters, dict) else None
            if state and self.check_master_state(state, service_name):  # type: ignore[no-untyped-call]  # redis-py: unannotated
                self.sentinels[0], self.sentinels[position] = sentinel, self.sentinels[0]
                return state["ip"], int(state["port"])
        if waited:
            raise SentinelsUnanswered(f"No Sentinel named the master {service_name!r} in time")
        raise MasterNotFoundError(f"No master found for {service_name!r}")


class _MasterThroughSentinels(redis.Redis):
    """The master's client, whose ``close`` also closes the connections to the Sentinels it asked.

    redis-py's closes the master's pool only, and each Sentinel's client kept its connection open until the
    collector came to it (a server, or a test, that closed its store still held one socket per Sentinel
    asked)."""

    def close(self) -> None:
        super().close()
        manager = getattr(self.connection_pool, "sentinel_manager", None)
        for sentinel in getattr(manager, "sentinels", ()):
            sentinel.close()


def sentinel_master(target: RedisTarget, retry: Retry, options: dict[str, Any]) -> redis.Redis:
    """The client of the master ``target`` names, found through its Sentinels; ``options`` are the master's
    connection settings (``connection.connect``), whose ``socket_timeout`` the Sentinels share."""
    assert target.master_name is not None
    share = float(options["socket_timeout"]) / len(target.nodes)
    # no retry of their own either: redis-py's default tries each one 11 times with backoff, so Sentinels
    # that refuse or do not answer held every request for tens of seconds before its 503
    asked = {
        "socket_timeout": share,
        "socket_connect_timeout": min(share, 1.0),
        "retry": Retry(NoBackoff(), 0),
    }
    sentinels = _Sentinels(  # type: ignore[no-untyped-call, unused-ignore]  # unannotated before redis 8.2
        list(target.nodes), sentinel_kwargs=asked, **options
    )
    master: redis.Redis = sentinels.master_for(  # type: ignore[no-untyped-call, unused-ignore]  # as above
        target.master_name,
        redis_class=_MasterThroughSentinels,
        db=target.db,
        username=target.username,
        password=target.password,
        retry=retry,
        **options,
    )
    return master

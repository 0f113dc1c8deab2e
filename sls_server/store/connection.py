"""The client the store talks through: one Redis, one found through Sentinel, or a Cluster, made from a URL
(``redis_urls``) to give up within one wait per request, and what the clock reads of it (its timeout, its
database)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.retry import Retry

from ..redis_urls import parse_redis_url
from .pool import LeanPool
from .sentinels import sentinel_master

#: What the repositories talk to: one Redis (plain or found through Sentinel: the same class) or a Redis
#: Cluster. Both speak the commands the store uses; a cluster routes each by its key's slot (a script by its
#: first key), which is why every script's keys share one hash tag (see ``keys``).
Client: TypeAlias = "redis.Redis | RedisCluster"


class _Cluster(RedisCluster):
    """redis-py's cluster client, minus the retry of a command that timed out.

    The cluster client retries a command after a refused connection, a cluster that is down or a slot not
    covered, each time reading the slot map again: that is what carries a request across a failover. It also
    retries a timeout, which, as with one Redis (see :func:`connect`), only makes a frozen node cost several
    timeouts per command: the budget is one wait per request.
    """

    ERRORS_ALLOW_RETRY = tuple(  # type: ignore[assignment]  # typed as redis-py's own four-class tuple
        error for error in RedisCluster.ERRORS_ALLOW_RETRY if error is not redis.exceptions.TimeoutError
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # before redis-py's constructor, which already hands out connections to read the slot map
        self._pools_handed_out: set[Any] = set()
        super().__init__(*args, **kwargs)

    def get_redis_connection(self, node: ClusterNode) -> redis.Redis:
        """The node's client, as redis-py's; its pool remembered, to be closed by :meth:`close`."""
        client = super().get_redis_connection(node)
        self._pools_handed_out.add(client.connection_pool)
        return client

    def close(self) -> None:
        """Every connection closed, as ``Redis.close`` closes one Redis's.

        redis-py's cluster close asks each node's client to close, and a node's client built on a pool it was
        given (ours: ``connection_pool_class``) leaves that pool open, so every connection, the threads' own
        ones too, stayed open until the cycle collector came to it. A node dropped from the slot map since
        (a failed master) is no longer in it at all: its pool is remembered from when it was handed out."""
        pools = {*self._pools_handed_out}
        nodes = getattr(self, "nodes_manager", None)  # None: redis-py's constructor failed before making it
        if nodes is not None:
            pools.update(
                node.redis_connection.connection_pool
                for node in list(nodes.nodes_cache.values())
                if node.redis_connection is not None
            )
        super().close()
        for pool in pools:
            pool.disconnect()


class _RetryNoTimeout(Retry):
    """The cluster client's ``Retry``: refused or reset connections, a cluster down, slots moved; no timeout.

    redis-py's cluster transactions (``pipeline(transaction=True)``: MULTI/EXEC) copy the client's ``Retry``
    and add the cluster's retryable errors to it, a timeout among them: a transaction a frozen master did not
    answer was sent twice more (three timeouts before the 503), and one that had run (a phone's inbox
    pushed to) could run again. A timeout added here is left out.
    """

    def __init__(self, retries: int) -> None:
        super().__init__(NoBackoff(), retries, supported_errors=(redis.exceptions.ConnectionError,))

    def update_supported_errors(self, specified_errors: Iterable[type[Exception]]) -> None:
        super().update_supported_errors(
            error
            for error in specified_errors
            if not issubclass(error, (redis.exceptions.TimeoutError, TimeoutError))
        )


def connect(url: str, *, timeout_s: float = 2.0) -> Client:
    """A client for ``url`` (see :mod:`.urls`) that gives up within ``timeout_s`` when Redis does not answer,
    so the caller can say 503.

    The budget is one wait per request, not one per attempt. A command that timed out is not retried: a
    frozen or swamped Redis will not answer the second time either (``Retry`` retries timeouts unless
    told otherwise, which made a frozen Redis cost three timeouts per command). No PING health check
    precedes commands either: it is one more round trip that can wait as long again. A refused or reset
    connection (Redis restarted, a pooled socket gone stale, a master that failed over) is retried at once
    on a new connection, twice, so service resumes by itself without a failed first request: through
    Sentinel the new connection asks the Sentinels for the master again, on a Cluster the client reads the
    slot map again first (the store's batches: ``batch._per_master``). The store's batches (``batch``), and
    the scripts and writes it sends alone (batches of one: ``writebehind.Queued.send``), are never sent again
    once on their way: a connection lost then fails the request, since Redis may have run them.

    A Cluster client reads the slot map when it is made, so a cluster none of whose startup nodes answers
    raises ``RedisClusterException`` here (the caller reports it as a configuration problem at start-up);
    the other clients connect on first use.
    """
    target = parse_redis_url(url)
    options: dict[str, Any] = {
        "decode_responses": True,
        "socket_timeout": timeout_s,
        "socket_connect_timeout": min(timeout_s, 1.0),
        "health_check_interval": 0,
    }
    if target.kind == "cluster":
        first_host, first_port = target.nodes[0]
        return _Cluster(
            # given a URL, redis-py builds each master's pool of ``connection_pool_class`` (given only
            # startup nodes, of its own class): the store's batches go on each thread's own connection there
            url=f"redis://{f'[{first_host}]' if ':' in first_host else first_host}:{first_port}",
            connection_pool_class=LeanPool,
            startup_nodes=[
                ClusterNode(host, port)  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
                for host, port in target.nodes
            ],
            username=target.username,
            password=target.password,
            retry=_RetryNoTimeout(retries=2),
            **options,
        )
    retry = Retry(
        ExponentialBackoff(cap=0.1, base=0.01),
        retries=2,
        supported_errors=(redis.exceptions.ConnectionError,),
    )
    if target.kind == "sentinel":
        return sentinel_master(target, retry, options)  # each Sentinel asked for a share of the timeout
    return redis.Redis.from_pool(LeanPool.from_url(url, retry=retry, **options))


def socket_timeout(client: Client) -> float:
    """The read timeout ``client`` was made with (the clock's subscription waits that long for Redis)."""
    if isinstance(client, RedisCluster):
        kwargs = client.nodes_manager.connection_kwargs
    else:
        kwargs = client.connection_pool.connection_kwargs
    timeout = kwargs.get("socket_timeout")
    return float(timeout) if timeout else 2.0


def database(client: Client) -> int:
    """The database number ``client`` uses (a Cluster's is always 0): what pub/sub, which ignores it, must
    carry in the channel's name (``keys.clock_channel``)."""
    if isinstance(client, RedisCluster):
        return 0
    return int(client.connection_pool.connection_kwargs.get("db") or 0)

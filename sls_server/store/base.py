"""Connection, Lua script registry and the translation of Redis failures into ``StoreUnavailable``."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ..errors import StoreUnavailable
from .faults import StoreBug, error_code, is_outage
from .writebehind import Carrier, Queued, carrying, later

T = TypeVar("T")

log = logging.getLogger(__name__)


def connect(url: str, *, timeout_s: float = 2.0) -> redis.Redis:
    """A client that gives up within ``timeout_s`` when Redis does not answer, so the caller can say 503.

    The budget is one wait per request, not one per attempt. A command that timed out is not retried: a
    frozen or swamped Redis will not answer the second time either (``Retry`` retries timeouts unless
    told otherwise, which made a frozen Redis cost three timeouts per command). No PING health check
    precedes commands either: it is one more round trip that can wait as long again. A refused or reset
    connection (Redis restarted, a pooled socket gone stale) is retried at once on a new connection,
    twice with a short backoff, so service resumes by itself without a failed first request.
    """
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_s,
        socket_connect_timeout=min(timeout_s, 1.0),
        health_check_interval=0,
        retry=Retry(
            ExponentialBackoff(cap=0.1, base=0.01),
            retries=2,
            supported_errors=(redis.exceptions.ConnectionError,),
        ),
    )


def guarded(cls: type[T]) -> type[T]:
    """Wrap every public method of a repository so a Redis outage surfaces as ``StoreUnavailable`` and
    any other Redis error as ``StoreBug`` (see ``faults``), never as a bare redis-py exception."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not callable(member):
            continue
        setattr(cls, name, _guard(member))
    return cls


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Outages become ``StoreUnavailable`` (503), logged with the Redis error code; any other Redis error
    becomes ``StoreBug`` (500, logged with its traceback), stripped of the command's arguments."""
    where = fn.__qualname__

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (redis.exceptions.RedisError, redis.exceptions.RedisClusterException) as exc:
            if is_outage(exc):
                log.warning("Redis cannot serve %s: %s", where, error_code(exc))
                raise StoreUnavailable() from exc
            raise StoreBug(where, exc) from None

    return wrapper


class Scripts:
    """Every ``lua/*.lua`` file, registered once per client; redis-py reloads one after a Redis restart."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        folder = resources.files("sls_server.store") / "lua"
        self._scripts = {
            entry.name.removesuffix(".lua"): client.register_script(entry.read_text())
            for entry in folder.iterdir()
            if entry.name.endswith(".lua")
        }

    def __call__(self, name: str, keys: list[str], args: Sequence[str | int]) -> Any:
        """Run a script for its answer; inside a ``write_behind`` block, the writes queued so far ride along
        in the same round trip."""
        script = self._scripts[name]
        carrier = carrying(self._client)
        if carrier is None:
            return script(keys=keys, args=args)
        carrier.pipe.evalsha(script.sha, len(keys), *keys, *args)
        [answer] = carrier.execute()
        return _answer(script, keys, args, answer)

    def each_of(self, calls: Sequence[tuple[str, list[str], Sequence[str | int]]]) -> list[Any]:
        """Run several scripts (``(name, keys, args)``, any slots) in one round trip, with the writes an open
        ``write_behind`` block queued. EVALSHA in a plain pipeline, not redis-py's pipeline script support,
        which asks SCRIPT EXISTS first (one more round trip); a call Redis answers NOSCRIPT (it restarted)
        is sent again alone, which reloads the script."""
        if not isinstance(self._client, redis.Redis):  # a cluster: one call at a time, each to its node
            return [self._scripts[name](keys=keys, args=args) for name, keys, args in calls]
        carrier = carrying(self._client) or Carrier(self._client, ())
        for name, keys, args in calls:
            carrier.pipe.evalsha(self._scripts[name].sha, len(keys), *keys, *args)
        found = carrier.execute()
        return [
            _answer(self._scripts[name], keys, args, answer)
            for (name, keys, args), answer in zip(calls, found, strict=True)
        ]

    def later(self, client: Any, name: str, keys: list[str], args: Sequence[str | int]) -> None:
        """Run a script whose answer nobody reads: now, or with the open ``write_behind`` block's writes."""
        later(client, Queued(tuple(args), self._scripts[name], tuple(keys)))


def _answer(script: Any, keys: list[str], args: Sequence[str | int], answer: Any) -> Any:
    """A pipelined EVALSHA's answer; a script Redis lost (a restart) is run again alone, which reloads it."""
    if isinstance(answer, redis.exceptions.NoScriptError):
        return script(keys=keys, args=args)
    if isinstance(answer, Exception):
        raise answer
    return answer


def text(value: object) -> str:
    """A reply as ``str``: the client decodes replies (``decode_responses``); redis-py's types allow bytes,
    and some commands' types allow other shapes (``ZRANGE ... WITHSCORES``) that we never ask for."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"expected a string reply, got {type(value).__name__}")


def texts(values: Iterable[object]) -> list[str]:
    return [text(value) for value in values]


def hash_reply(reply: Mapping[bytes | str, bytes | str]) -> dict[str, str]:
    """An ``HGETALL`` reply as the ``dict[str, str]`` a record's ``from_hash`` reads."""
    return {text(k): text(v) for k, v in reply.items()}

"""Connection, Lua script registry and the translation of Redis outages into ``StoreUnavailable``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ..errors import StoreUnavailable

T = TypeVar("T")

#: What Redis raises when it cannot answer; each becomes a 503, never a pass (fail closed).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.ReadOnlyError,
)


def connect(url: str, *, timeout_s: float = 2.0) -> redis.Redis:
    """A client that answers fast when Redis is gone (so the caller can say 503) and reconnects by itself."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_s,
        socket_connect_timeout=min(timeout_s, 1.0),
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), retries=2),
        retry_on_error=[redis.exceptions.ConnectionError],
    )


def guarded(cls: type[T]) -> type[T]:
    """Wrap every public method of a repository so a Redis outage surfaces as ``StoreUnavailable``."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not callable(member):
            continue
        setattr(cls, name, _guard(member))
    return cls


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OUTAGE_ERRORS as exc:
            raise StoreUnavailable() from exc

    return wrapper


class Scripts:
    """Every ``lua/*.lua`` file, registered once per client; redis-py reloads one after a Redis restart."""

    def __init__(self, client: redis.Redis) -> None:
        folder = resources.files("sls_server.store") / "lua"
        self._scripts = {
            entry.name.removesuffix(".lua"): client.register_script(entry.read_text())
            for entry in folder.iterdir()
            if entry.name.endswith(".lua")
        }

    def __call__(self, name: str, keys: list[str], args: list[Any]) -> Any:
        return self._scripts[name](keys=keys, args=args)


def clean(mapping: dict[str, Any]) -> dict[str, Any]:
    """What Redis can hold: None dropped (Redis has no null), booleans as 0/1."""
    return {k: int(v) if isinstance(v, bool) else v for k, v in mapping.items() if v is not None}


def pairs(mapping: dict[str, Any]) -> list[Any]:
    """Flatten a mapping into the field/value argument list a Lua HSET takes."""
    return [item for kv in clean(mapping).items() for item in kv]


def from_pairs(flat: list[Any]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))

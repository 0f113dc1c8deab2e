"""Which Redis errors mean "the store cannot serve now" (a 503, fail closed) and which are a bug of ours.

An outage is anything retrying later or elsewhere may cure: Redis gone, frozen, loading, out of memory,
a read-only replica after a failover, writes stopped after a failed save, too few replicas, a script
hogging the server, a cluster slot without a master, credentials it rejects. Those become
``StoreUnavailable``: the request answers ``503 store_unavailable`` and nothing is let through.

Everything else Redis refuses (WRONGTYPE, a Lua runtime error, a wrong argument) will fail the same way
on every retry: it is a bug, or data not written by us. It becomes :class:`StoreBug`, which reaches the
app's last-resort handler: logged at error level with its traceback, a JSON 500 to the client.
"""

from __future__ import annotations

import re

import redis

#: Exception classes that always mean Redis cannot serve now.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,  # refused, reset, LOADING, auth rejected, max clients
    redis.exceptions.TimeoutError,
    redis.exceptions.InvalidResponse,  # whatever answered does not speak RESP
    redis.exceptions.ReadOnlyError,
    redis.exceptions.OutOfMemoryError,
    redis.exceptions.NoPermissionError,
    redis.exceptions.NoScriptError,  # still missing after redis-py reloaded it
    redis.exceptions.ClusterDownError,  # and MASTERDOWN
    redis.exceptions.TryAgainError,
    redis.exceptions.RedisClusterException,  # no node for a slot, cluster unreachable
)

#: The same conditions by their error code, for replies redis-py leaves as a plain ``ResponseError``
#: (BUSY, MISCONF, NOREPLICAS) and for a command refused inside a Lua script, which Redis 6 reports as
#: ``ERR Error running script ... -OOM ...``.
OUTAGE_CODES = frozenset(
    {
        "BUSY",
        "CLUSTERDOWN",
        "LOADING",
        "MASTERDOWN",
        "MISCONF",
        "NOAUTH",
        "NOPERM",
        "NOREPLICAS",
        "NOSCRIPT",
        "OOM",
        "READONLY",
        "TRYAGAIN",
        "WRONGPASS",
    }
)

_PIPELINE_PREFIX = " of pipeline caused error: "
#: What Redis (and Valkey) answer to SELECT with an index past its ``databases``.
_DB_REFUSED = "DB index is out of range"
_CODE_IN_SCRIPT = re.compile(r"@user_script:\s*\d+:\s*(?:@user_script:\s*\d+:\s*)?-?([A-Z][A-Z_]+)\b")


class StoreBug(RuntimeError):
    """Redis refused a command for a reason that is ours to fix; not retried, not a 503, /readyz unaffected.

    The message carries where (the repository method), the Redis error code and, for a Lua script, Lua's
    error text, but never the command's arguments: redis-py quotes a failed pipeline command and Redis
    quotes an unknown command's arguments, and those can be a password hash or a sealed key.
    """

    def __init__(self, where: str, exc: BaseException) -> None:
        message = _without_command(str(exc))
        script = message[message.find("@user_script") :][:300] if "@user_script" in message else ""
        detail = f"Redis answered {error_code(exc)}" + (f" ({script})" if script else "")
        super().__init__(f"{where}: {detail}")
        #: Redis refused the URL's database index (SELECT, as a connection opens): the URL's fault, said so
        #: at start-up rather than as a bare "ERR"
        self.database_refused = error_code(exc) == "ERR" and _DB_REFUSED in message


def outage_reason(exc: BaseException) -> str:
    """What an outage's exception says, for an operator ("Error 111 connecting to host:6379. Connection
    refused."): a connection error names the address, never a password; a command's arguments are cut."""
    message = _without_command(str(exc)).strip()
    return message[:300] if message else type(exc).__name__


def outage_words(exc: BaseException) -> str:
    """The Redis error code of an outage, and what the client was told when Redis sent no reply (refused,
    a name that does not resolve, a timeout): "ConnectionError" alone sends an operator guessing which."""
    code = error_code(exc)
    if code != type(exc).__name__:
        return code
    reason = outage_reason(exc)
    return code if reason == code else f"{code} ({reason})"


def outage_words_unaddressed(exc: BaseException) -> str:
    """What :func:`outage_words` says, for an answer anyone may read (``/readyz``, unauthenticated): the
    Redis error code and the operating system's words for a failed connection ("Connection refused",
    "Name or service not known"), built from those two alone, so no host, port, socket path or Sentinel
    list redis-py writes into its message reaches a client. The address stays in the server's log."""
    code = error_code(exc)
    if code != type(exc).__name__:
        return code
    reason = _os_words(exc)
    return f"{code} ({reason})" if reason else code


def _os_words(exc: BaseException) -> str | None:
    """The ``strerror`` of the first ``OSError`` in ``exc``'s chain (redis-py raises its ``ConnectionError``
    from the socket's): the words of the operating system, which never name the address."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and isinstance(current.strerror, str) and current.strerror:
            return current.strerror
        current = current.__cause__ or current.__context__
    return None


def _without_command(message: str) -> str:
    return message.rsplit(_PIPELINE_PREFIX, 1)[-1]


def error_code(exc: BaseException) -> str:
    """The Redis error code of ``exc`` ('OOM', 'BUSY', 'WRONGTYPE', 'ERR'...), the inner command's for an
    error inside a script, or the exception's class name when Redis sent no reply (a timeout, a reset)."""
    message = _without_command(str(exc))
    inner = _CODE_IN_SCRIPT.search(message)
    if inner:
        return inner.group(1)
    status = getattr(exc, "status_code", None)  # redis-py >= 6 keeps the code it strips from the message
    if isinstance(status, str) and status:
        return status
    first = message.split(" ", 1)[0]
    return first if first.isalpha() and first.isupper() else type(exc).__name__


#: What redis-py's cluster client says when it refuses, before sending anything, a command built wrong: keys
#: of several slots in one script or transaction, a multi-key command it cannot pipeline. Those are bugs (the
#: same on every retry); its other ``RedisClusterException`` s (no node reachable, a slot not covered, no
#: agreed slot map) are outages.
CLUSTER_MISUSE = (
    "must map to the same key slot",
    "not implemented",
    "not supported",
    "is blocked when running redis in cluster mode",
    "Invalid args in command",
    "Missing key",
    "Cannot identify slot number",
)


def is_outage(exc: BaseException) -> bool:
    """True when ``exc`` says Redis cannot serve now (503), False for an error of ours (500)."""
    if type(exc) is redis.exceptions.RedisClusterException and any(
        marker in str(exc) for marker in CLUSTER_MISUSE
    ):
        return False
    if isinstance(exc, OUTAGE_ERRORS):
        return True
    return isinstance(exc, redis.exceptions.ResponseError) and error_code(exc) in OUTAGE_CODES

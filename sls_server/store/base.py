"""What every repository stands on: the Lua script registry, the translation of Redis failures into
``StoreUnavailable`` (``guarded``) and the reading of replies as text. The client itself is made by
``connection``."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, TypeAlias, TypeVar

import redis

from ..errors import StoreUnavailable
from .connection import Client
from .faults import StoreBug, is_outage, outage_words
from .writebehind import Carrier, Queued, carrying, later, resolved

T = TypeVar("T")

log = logging.getLogger(__name__)


#: A registered script's call: its name (``lua/<name>.lua``), keys and arguments.
ScriptCall: TypeAlias = tuple[str, list[str], Sequence[str | int]]


#: Set inside :func:`outage_said_by_caller`: the guard then leaves an outage's warning to the caller.
_CALLER_SAYS_OUTAGE: ContextVar[bool] = ContextVar("sls_caller_says_outage", default=False)


@contextlib.contextmanager
def outage_said_by_caller() -> Iterator[None]:
    """A block whose caller logs a Redis outage itself, in words of its own (start-up's check names
    ``SLS_REDIS_URL`` and what follows): the guard's generic line would say the same cause a second time."""
    token = _CALLER_SAYS_OUTAGE.set(True)
    try:
        yield
    finally:
        _CALLER_SAYS_OUTAGE.reset(token)


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
                if not _CALLER_SAYS_OUTAGE.get():
                    log.warning("Redis cannot serve %s: %s", where, outage_words(exc))
                raise StoreUnavailable() from exc
            raise StoreBug(where, exc) from None

    return wrapper


#: A script's line that takes in ``lua/lib/<name>.lua`` where it stands: a helper several scripts share (a
#: script runs alone in Redis, with no module system to load one from).
INCLUDE = re.compile(r"^-- include: ([a-z_]+)$", re.MULTILINE)


def script_source(text: str, lib: Traversable) -> str:
    """A script's text with its includes taken in."""
    return INCLUDE.sub(lambda found: (lib / f"{found.group(1)}.lua").read_text(), text)


class Scripts:
    """Every ``lua/*.lua`` file, registered once per client; redis-py reloads one after a Redis restart."""

    def __init__(self, client: Client) -> None:
        self._client = client
        folder = resources.files("sls_server.store") / "lua"
        self._scripts = {
            entry.name.removesuffix(".lua"): client.register_script(
                script_source(entry.read_text(), folder / "lib")
            )
            for entry in folder.iterdir()
            if entry.name.endswith(".lua")
        }

    def names(self) -> dict[str, str]:
        """Each script's name by its SHA-1: what a recorded transaction checks the answers of by
        (``transaction.TOOK``)."""
        return {script.sha: name for name, script in self._scripts.items()}

    def __call__(self, name: str, keys: list[str], args: Sequence[str | int]) -> Any:
        """Run a script for its answer; inside a ``write_behind`` block, the writes queued so far ride along
        in the same round trip."""
        return self.ask(Queued(tuple(args), self._scripts[name], tuple(keys)))

    def ask(self, call: Queued) -> Any:
        """:meth:`__call__` for a call made already: a subclass of ``Queued`` that puts itself on the wire
        its own way (``EventRepo``'s appends, whose ids are taken as they go to Redis)."""
        carrier = carrying(self._client)
        if carrier is None:
            return call.send(self._client)
        carrier.add(call)
        [answer] = carrier.execute()
        return resolved(call, self._client, answer)

    def each_of(self, calls: Sequence[ScriptCall]) -> list[Any]:
        """Run several scripts (``(name, keys, args)``, any slots) in one round trip (one per master on a
        Cluster: ``batch``), with the writes an open ``write_behind`` block queued. EVALSHA in a plain
        pipeline, not redis-py's pipeline script support, which asks SCRIPT EXISTS first (one more round
        trip); a call Redis answers NOSCRIPT (it restarted) is sent again alone, which reloads the script."""
        return self.together((), calls)[1]

    def together(
        self, commands: Sequence[tuple[Any, ...]], calls: Sequence[ScriptCall]
    ) -> tuple[list[Any], list[Any]]:
        """Plain commands (reads, any slots) and scripts in one round trip, as :meth:`each_of`: (the commands'
        replies, the scripts' answers). For a step whose reads and first script do not wait on each other."""
        queued = [Queued(tuple(args), self._scripts[name], tuple(keys)) for name, keys, args in calls]
        carrier = carrying(self._client) or Carrier(self._client, ())
        for command in commands:
            carrier.add(Queued(tuple(command)))
        for call in queued:
            carrier.add(call)
        found = carrier.execute()
        replies = found[: len(commands)]
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        answers = found[len(commands) :]
        return replies, [resolved(call, self._client, a) for call, a in zip(queued, answers, strict=True)]

    def script(self, name: str) -> Any:
        """The registered script ``lua/<name>.lua`` (redis-py's ``Script``), for a call :meth:`ask` sends."""
        return self._scripts[name]

    def later(self, client: Any, name: str, keys: list[str], args: Sequence[str | int]) -> None:
        """Run a script whose answer nobody reads: now, or with the open ``write_behind`` block's writes."""
        later(client, Queued(tuple(args), self._scripts[name], tuple(keys)))


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
    """An ``HGETALL`` reply as the ``dict[str, str]`` a record's ``from_hash`` reads. The client decodes
    replies, so every name and value is already text: that is checked over the types at once (no Python
    call per field: a flow reads some 110 fields through here), and only a reply that is not is converted
    by :func:`text` field by field, which refuses what is not a string."""
    if {*map(type, reply), *map(type, reply.values())} <= _TEXT:
        return dict(reply)  # type: ignore[arg-type]  # checked above: str keys and values
    return {text(k): text(v) for k, v in reply.items()}


_TEXT = {str}

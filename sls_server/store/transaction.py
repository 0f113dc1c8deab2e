"""Writes recorded, then sent as one MULTI/EXEC transaction: all of them, or (the connection lost before the
EXEC, Redis killed meanwhile) none. For a state import (``transfer.service``), whose writes went one by one
and, cut in the middle, left part of a document written.

A :class:`Recorder` stands in for the client under a :class:`~.Store` of its own, so the repositories'
writes are recorded as they would be sent (a script as EVAL with its source: a Redis restarted meanwhile has
lost the scripts, and a NOSCRIPT inside EXEC would run the rest without it), answered by
:data:`RECORDED_ANSWER` (the answer of a write that took). :func:`commit` sends them under WATCH of the keys
whose state was checked before, so a create by another request since the checks aborts the whole
transaction (``None``) instead of being written over.

One Redis only (plain, or Sentinel's master): a Redis Cluster has no transaction across slots, and the
store's keys of one document live on many (``keys``: one hash tag per user); there the caller writes record
by record as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import redis

from . import keys

#: What a recorded write answers the repository that made it: what Redis answers a write that took (a
#: create's ``1``; ``user_add_device.lua``'s ``added``, read as the first of a list). :func:`commit` checks
#: the real answers against :data:`TOOK`.
RECORDED_ANSWER = [b"added"]

#: Scripts that refuse by their answer, and what they answer when they took: anything else means the record
#: could not be written (a deletion of the name left unfinished), which the caller refuses.
TOOK: dict[str, Callable[[Any], bool]] = {
    "user_create": bool,
    "create_hash": bool,
    "account_add_members": bool,
    "user_add_device": lambda answer: bool(answer) and _text(answer[0]) == "added",
}


class Recorder(redis.Redis):
    """A client that sends nothing: each command and script is kept in :attr:`commands` (as Redis reads it)
    and answered :data:`RECORDED_ANSWER`. Made on the real client's pool, which it never uses."""

    def __init__(self, real: redis.Redis) -> None:
        super().__init__(connection_pool=real.connection_pool)
        self.commands: list[tuple[Any, ...]] = []
        #: For each recorded script call, its place in :attr:`commands` and its script's name.
        self.script_calls: list[tuple[int, str]] = []
        self.names: dict[str, str] = {}  # script sha -> name, given by the Store made on this recorder

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.commands.append(args)
        return RECORDED_ANSWER

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Any:
        return _RecordedPipeline(self)

    def record_all(self, commands: Sequence[Any]) -> list[Any]:
        """``batch.send_all``'s work for a recorder: each ``writebehind.Queued`` kept, a script as EVAL."""
        for command in commands:
            if command.script is None:
                self.commands.append(tuple(command.args))
                continue
            script = command.script
            self.script_calls.append((len(self.commands), self.names.get(script.sha, "")))
            # from what goes on the wire (a call may fill in arguments of its own there: an event's id)
            self.commands.append(("EVAL", script.script, *command.wire[2:]))
        return [RECORDED_ANSWER for _ in commands]


class _RecordedPipeline(Recorder):
    """A repository's own MULTI/EXEC (``pipeline(transaction=True)``), recorded into the outer transaction,
    which holds it whole anyway."""

    def __init__(self, outer: Recorder) -> None:  # no super().__init__: it shares the outer's record
        self._outer = outer
        self._count = 0

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self._outer.commands.append(args)
        self._count += 1
        return self

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        done, self._count = self._count, 0
        return [RECORDED_ANSWER] * done

    def __enter__(self) -> _RecordedPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Lost(redis.exceptions.ConnectionError):
    """The connection was lost while the transaction was watched or sent: Redis ran all of it or none."""


def commit(
    client: redis.Redis, watched: Sequence[str], checks: Callable[[], None], record: Callable[[], Recorder]
) -> list[str] | None:
    """WATCH ``watched``, run ``checks`` (which raise to refuse), ``record`` the writes, then send them in
    one MULTI/EXEC. The names of the refusing scripts whose real answer says the record was not written
    (:data:`TOOK`: [] when all took), or None when a watched key changed meanwhile (nothing written)."""
    with client.pipeline(transaction=True) as pipe:
        try:
            if watched:
                pipe.watch(*watched)  # type: ignore[no-untyped-call]  # unannotated upstream
            checks()
            recorder = record()
            pipe.multi()
            for command in recorder.commands:
                pipe.execute_command(*command)  # type: ignore[no-untyped-call]  # unannotated upstream
            answers = pipe.execute(raise_on_error=True)
        except redis.exceptions.WatchError as exc:
            if "ConnectionError" in str(exc) or "TimeoutError" in str(exc):  # redis-py's words for a loss
                raise Lost(str(exc)) from exc
            return None
    return [name for place, name in recorder.script_calls if name in TOOK and not TOOK[name](answers[place])]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def created_keys(
    usernames: Sequence[str], device_ids: Sequence[str], account_ids: Sequence[str], app_ids: Sequence[str]
) -> list[str]:
    """The keys whose absence the creates of these records rely on (the records, and the marks of a
    deletion of the name or id left unfinished): what :func:`commit` watches."""
    return [
        *(
            key
            for name in usernames
            for key in (keys.user(name), keys.user_deletion(name), keys.user_access(name))
        ),
        *(keys.device(device_id) for device_id in device_ids),
        *(
            key
            for account_id in account_ids
            for key in (keys.account(account_id), keys.account_deletion(account_id))
        ),
        *(keys.ibkey_app(app_id) for app_id in app_ids),
    ]

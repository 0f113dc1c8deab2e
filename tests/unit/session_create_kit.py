"""What the tests of the login scripts' edges share (``session_create.lua``'s, ``login_verify.lua``'s,
the factor switch's): a user, a login at its second factor, a session and the call that completes the one
with the other, and the user gone, disabled or re-created, on a real redis-server through the store."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sls_server.store import Store, keys
from sls_server.store.records import LoginTxn, SessionRecord

NOW = 1_900_000_000
TXN = LoginTxn(
    "alice~txn-0000000000000000",
    "alice",
    "login",
    "second_factor",
    "dscplus",
    "card",
    NOW,
    NOW + 60,
    3,
    prompt_no=1,
)
#: An IB Key login at its second factor, with an absolute end and switches left (the factor switch's tests).
IBKEY_TXN = replace(
    TXN, factor="ibkey", device_id="ibkey-1", prompt_no=None, dies_at=NOW + 180, switches_left=5, epoch="e1"
)
SESSION = SessionRecord("alice~" + "a" * 64, "alice", NOW, NOW + 600, NOW + 3600, NOW, "dscplus", epoch="e1")


def session(n: int, **changes: Any) -> SessionRecord:
    """Another session of alice's: ``n`` names it."""
    return replace(SESSION, id=f"alice~{n:064d}", **changes)


def create(store: Store, record: SessionRecord = SESSION, **options: Any) -> tuple[str, list[str]]:
    """Store ``record`` at NOW under 'replace' (``options`` override any argument)."""
    arguments: dict[str, Any] = {"now": NOW, "concurrency": "replace", "limit": 10, "epoch": "e1", **options}
    return store.sessions.create(record, **arguments)


def login_state(store: Store) -> str | None:
    value = store.client.hget(keys.login("alice", TXN.txn_id), "state")
    return None if value is None else str(value)


def indexed(store: Store) -> list[str]:
    return [str(sid) for sid in store.client.zrange(keys.user_sessions("alice"), 0, -1)]


def state_of(store: Store, record: SessionRecord) -> str | None:
    value = store.client.hget(keys.session("alice", record.id), "state")
    return None if value is None else str(value)


#: A user changed under a login step: re-created (a new epoch), disabled, or gone (None).
USER_CHANGES = [{"epoch": "e2"}, {"disabled": "1"}, None]


def change_user(store: Store, change: dict[str, str] | None) -> None:
    """Alice changed as ``change`` says (one of :data:`USER_CHANGES`)."""
    if change is None:
        store.client.delete(keys.user("alice"))
    else:
        store.client.hset(keys.user("alice"), mapping=change)

"""The Lua steps hold under racing threads against a real redis-server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sls_server.store import Store, keys
from sls_server.store.records import DeviceRecord, LoginTxn, SessionRecord, UserRecord

TXN1, TXN2 = "alice~txn1-000000000000000", "alice~txn2-000000000000000"


def _txn(txn_id: str, *, attempts_left: int) -> LoginTxn:
    """A pending second-factor step of alice's, as the login flow stores one."""
    return LoginTxn(
        txn_id=txn_id,
        username="alice",
        purpose="login",
        state="second_factor",
        factor="dscplus",
        device_id="card",
        created_at=1000,
        expires_at=2000,
        attempts_left=attempts_left,
        epoch="e1",
    )


def _user(store: Store) -> None:
    """Settling reads the user (a disabled user's logins are dead), so the logins need one."""
    store.client.hset(keys.user("alice"), mapping={"username": "alice", "epoch": "e1"})


def test_racing_correct_answers_settle_a_login_once(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    _user(store)
    store.logins.create(_txn(TXN1, attempts_left=3), now=1000)
    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(lambda _: store.logins.settle(TXN1, now=1001, outcome="ok")[0], range(64)))
    assert outcomes.count("ok") == 1
    assert outcomes.count("used") == 63


def test_racing_sessions_that_settle_one_login_have_one_winner(redis_url: str) -> None:
    """A typed right answer is settled by the session's creation itself: racing ones make one session."""
    store = Store.from_url(redis_url)
    _user(store)
    store.logins.create(_txn(TXN1, attempts_left=3), now=1000)

    def create(n: int) -> str:
        record = SessionRecord(
            id=f"alice~{n:064x}",
            username="alice",
            authenticated_at=1001,
            idle_expires_at=1900,
            expires_at=9000,
            last_seen_at=1001,
            factor="dscplus",
            device_id="card",
        )
        return store.sessions.create(
            record, now=1001, concurrency="refuse", limit=10, epoch="e1", completes=TXN1
        )[0]

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(create, range(64)))
    assert outcomes.count("ok") == 1
    assert outcomes.count("used") == 63
    assert len(store.sessions.for_user("alice", now=1001)) == 1
    assert store.logins.get(TXN1).state == "authenticated"  # type: ignore[union-attr]


def test_a_session_refused_leaves_its_login_unspent_and_a_stale_epoch_kills_it(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    _user(store)
    store.logins.create(_txn(TXN1, attempts_left=3), now=1000)

    def session(n: int) -> SessionRecord:
        return SessionRecord(f"alice~{n:064x}", "alice", 1001, 1900, 9000, 1001, "dscplus", "card")

    assert store.sessions.create(session(1), now=1001, concurrency="refuse", limit=10, epoch="e1")[0] == "ok"
    refused = store.sessions.create(
        session(2), now=1001, concurrency="refuse", limit=10, epoch="e1", completes=TXN1
    )
    assert refused[0] == "refused"
    assert store.logins.get(TXN1).state == "second_factor"  # type: ignore[union-attr]  # not spent
    stale = store.sessions.create(
        session(3), now=1001, concurrency="replace", limit=10, epoch="e0", completes=TXN1
    )
    assert stale[0] == "stale"
    assert store.logins.get(TXN1).state == "revoked"  # type: ignore[union-attr]
    store.logins.create(_txn(TXN2, attempts_left=3), now=1000)
    late = store.sessions.create(
        session(4), now=2001, concurrency="replace", limit=10, epoch="e1", completes=TXN2
    )
    assert late[0] == "expired"


def test_racing_wrong_answers_spend_each_attempt_once(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    _user(store)
    store.logins.create(_txn(TXN2, attempts_left=5), now=1000)
    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(lambda _: store.logins.settle(TXN2, now=1001, outcome="bad"), range(40)))
    assert sorted(left for status, left in outcomes if status == "bad") == [0, 1, 2, 3, 4]
    assert sum(1 for status, _ in outcomes if status == "dead") == 35


def test_racing_challenge_claims_never_share_an_encoding(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    candidates = [f"{n:02x}" for n in range(32)]
    with ThreadPoolExecutor(16) as pool:
        claimed = list(pool.map(lambda _: store.devices.claim_challenge("dev", candidates, 1000), range(40)))
    assert sorted(c for c in claimed if c) == list(range(1, 33))
    assert claimed.count(0) == 8


def test_a_card_remembers_only_its_last_challenges(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    assert [store.devices.claim_challenge("dev2", [name], 2) for name in ("a", "b", "c")] == [1, 1, 1]
    assert store.devices.remembered_challenges("dev2") == ["b", "c"]  # the oldest went
    assert store.devices.claim_challenge("dev2", ["b", "c", "a"], 2) == 3


def test_user_creation_race_has_one_winner(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    with ThreadPoolExecutor(16) as pool:
        created = list(
            pool.map(
                lambda i: store.users.create(UserRecord("zed", password_hash=f"h{i}", created_at=i)),
                range(32),
            )
        )
    assert created.count(True) == 1


def test_device_compare_and_set_refuses_a_stale_version(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    store.devices.create(DeviceRecord("card", "dscplus", "alice", "active", created_at=1, pin_failures=0))
    assert store.devices.update("card", 0, {"pin_failures": 1}) == "ok"
    assert store.devices.update("card", 0, {"pin_failures": 5}) == "conflict"
    assert store.devices.get("card").pin_failures == 1
    assert store.devices.update("ghost", 0, {"locked": True}) == "missing"

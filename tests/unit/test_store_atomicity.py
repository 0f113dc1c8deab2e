"""The Lua steps hold under racing threads against a real redis-server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sls_server.store import Store, keys

TXN1, TXN2 = "alice~txn1-000000000000000", "alice~txn2-000000000000000"


def _user(store: Store) -> None:
    """Settling reads the user (a disabled user's logins are dead), so the logins need one."""
    store.client.hset(keys.user("alice"), mapping={"username": "alice", "epoch": "e1"})


def test_racing_correct_answers_settle_a_login_once(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    _user(store)
    record = {"state": "second_factor", "expires_at": 2000, "attempts_left": 3, "epoch": "e1"}
    store.logins.create(TXN1, record, now=1000)
    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(lambda _: store.logins.settle(TXN1, now=1001, outcome="ok")[0], range(64)))
    assert outcomes.count("ok") == 1
    assert outcomes.count("used") == 63


def test_racing_wrong_answers_spend_each_attempt_once(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    _user(store)
    record = {"state": "second_factor", "expires_at": 2000, "attempts_left": 5, "epoch": "e1"}
    store.logins.create(TXN2, record, now=1000)
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
        created = list(pool.map(lambda i: store.users.create("zed", {"username": "zed", "n": i}), range(32)))
    assert created.count(True) == 1


def test_device_compare_and_set_refuses_a_stale_version(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    store.devices.create("card", {"device_id": "card", "pin_failures": 0})
    assert store.devices.update("card", "0", {"pin_failures": 1}) == "ok"
    assert store.devices.update("card", "0", {"pin_failures": 5}) == "conflict"
    assert store.devices.get("card")["pin_failures"] == "1"
    assert store.devices.update("ghost", "0", {"x": 1}) == "missing"

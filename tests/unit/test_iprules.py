"""Allowlist parsing (the table of what is accepted and how it is normalised) and the rule itself on Redis."""

from __future__ import annotations

from typing import Any

import pytest

from sls_server.accounts.access import IpRestrictions
from sls_server.accounts.allowlists import MAX_ENTRIES, parse_allowlist
from sls_server.accounts.errors import IpRestricted, UserInAnotherAccount
from sls_server.auth.password_step import Attempt, IpCheck
from sls_server.errors import InvalidRequest
from sls_server.events import EventLog
from sls_server.store import Store
from sls_server.store.records import UserRecord


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ([], []),
        (["203.0.113.5"], ["203.0.113.5"]),
        (["203.0.113.5/32"], ["203.0.113.5"]),
        (["10.0.0.1/8"], ["10.0.0.0/8"]),
        ([" 10.0.0.0/8 "], ["10.0.0.0/8"]),
        (["10.0.0.0/255.0.0.0"], ["10.0.0.0/8"]),
        (["2001:DB8::/32"], ["2001:db8::/32"]),
        (["2001:db8::1/128"], ["2001:db8::1"]),
        (["::ffff:203.0.113.5"], ["203.0.113.5"]),
        (["::ffff:203.0.113.0/120"], ["203.0.113.0/24"]),
        (["10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/8"], ["10.0.0.0/8"]),
        (["203.0.113.5", "::ffff:203.0.113.5"], ["203.0.113.5"]),
        (["0.0.0.0/0", "::/0"], ["0.0.0.0/0", "::/0"]),
        (["198.51.100.0/24", "10.0.0.0/8"], ["198.51.100.0/24", "10.0.0.0/8"]),  # order kept
    ],
)
def test_accepted_and_normalised(given: list[str], stored: list[str]) -> None:
    assert parse_allowlist(given) == stored
    assert parse_allowlist(stored) == stored  # normalising is idempotent


@pytest.mark.parametrize(
    ("given", "index", "entry"),
    [
        (["10.0.0.0/33"], 0, "10.0.0.0/33"),
        (["10.0.0.0/8", "hello"], 1, "hello"),
        (["10.0.0.0/8", "", "hello"], 1, ""),
        (["   "], 0, "   "),
        ([42], 0, 42),
        (["10.0.0.0/8", None], 1, None),
        ([True], 0, True),
        (["2001:db8::/129"], 0, "2001:db8::/129"),
        (["256.0.0.1"], 0, "256.0.0.1"),
        (["010.0.0.1"], 0, "010.0.0.1"),
        (["10.0.0.0/8/8"], 0, "10.0.0.0/8/8"),
        (["fe80::1%eth0"], 0, "fe80::1%eth0"),
        (["10.0.0.0 /8"], 0, "10.0.0.0 /8"),
    ],
)
def test_bad_entries_are_named(given: list[Any], index: int, entry: Any) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_allowlist(given)
    body = caught.value.body()
    assert body["field"] == "ip_allowlist"
    assert body["index"] == index
    assert body["entry"] == entry
    assert f"ip_allowlist[{index}]" in body["message"]


def test_structures_are_not_echoed_and_long_entries_are_cut() -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_allowlist([{"nested": ["x"] * 100}])
    assert "entry" not in caught.value.body()
    with pytest.raises(InvalidRequest) as caught:
        parse_allowlist(["1" * 5000])
    assert len(caught.value.body()["entry"]) == 100


@pytest.mark.parametrize("given", ["10.0.0.0/8", {"a": 1}, 42, None])
def test_not_a_list(given: object) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_allowlist(given)
    assert caught.value.body()["field"] == "ip_allowlist"


def test_at_most_1000_entries() -> None:
    entries = [f"10.{i // 256}.{i % 256}.0/24" for i in range(MAX_ENTRIES + 1)]
    assert len(parse_allowlist(entries[:MAX_ENTRIES])) == MAX_ENTRIES
    with pytest.raises(InvalidRequest) as caught:
        parse_allowlist(entries)
    assert caught.value.body()["field"] == "ip_allowlist"
    assert "1000" in caught.value.body()["message"]


# --- the rule, on a real Redis ------------------------------------------------------------------------------


@pytest.fixture(name="rules")
def rules_on_redis(redis_url: str) -> IpRestrictions:
    """IP Restrictions on a real Redis holding the users alice, bob and carol (test_iprules_accounts too)."""
    store = Store.from_url(redis_url)
    for name in ("alice", "bob", "carol"):
        store.users.create(UserRecord(name, password_hash="not-a-hash", created_at=1))
    return IpRestrictions(store, EventLog(store.events))


def test_no_list_means_unrestricted_even_without_an_address(rules: IpRestrictions) -> None:
    assert rules.allowed("alice", "203.0.113.5")
    assert rules.allowed("alice", None)
    assert rules.allowed("nobody-here", "203.0.113.5")
    assert rules.allowed("Not A {Username}", "203.0.113.5")


def test_user_list(rules: IpRestrictions) -> None:
    rules.set_user_allowlist("alice", ["203.0.113.0/24", "2001:db8::/32"], now=1)
    assert rules.allowed("alice", "203.0.113.77")
    assert rules.allowed("alice", "::ffff:203.0.113.77")
    assert rules.allowed("alice", "2001:db8:1::5")
    assert not rules.allowed("alice", "198.51.100.1")
    assert not rules.allowed("alice", None)
    assert not rules.allowed("alice", "garbage")
    assert rules.allowed("bob", "198.51.100.1")
    rules.set_user_allowlist("alice", [], now=2)
    assert rules.allowed("alice", "198.51.100.1")
    assert rules.user_allowlist("alice") == {"username": "alice", "ip_allowlist": [], "account_id": None}


def test_account_list_applies_to_members_and_a_users_list_narrows_it(rules: IpRestrictions) -> None:
    rules.create_account("U100", ["alice", "bob"], ["10.0.0.0/8"], now=1)
    rules.set_user_allowlist("bob", ["10.1.0.0/16", "192.0.2.1"], now=1)
    assert rules.allowed("alice", "10.200.0.1")
    assert not rules.allowed("alice", "192.0.2.1")
    assert rules.allowed("bob", "10.1.2.3")
    assert not rules.allowed("bob", "10.2.0.1")  # the account allows it, bob's own list does not
    assert not rules.allowed("bob", "192.0.2.1")  # bob's list allows it, the account does not
    assert rules.allowed("carol", "192.0.2.1")
    rules.set_account_allowlist("U100", [], now=2)
    assert rules.allowed("alice", "192.0.2.1")
    assert rules.allowed("bob", "192.0.2.1")


def test_a_user_belongs_to_one_account_and_a_refused_create_stores_nothing(rules: IpRestrictions) -> None:
    rules.create_account("U1", ["alice"], [], now=1)
    with pytest.raises(UserInAnotherAccount):
        rules.create_account("U2", ["bob", "alice"], ["10.0.0.0/8"], now=1)
    assert rules.user_allowlist("bob")["account_id"] is None
    rules.create_account("U2", ["bob"], [], now=1)  # the id is free: nothing was left behind
    with pytest.raises(UserInAnotherAccount):
        rules.add_user_to_account("U2", "alice", now=2)
    assert rules.add_user_to_account("U1", "alice", now=2)["users"] == ["alice"]  # idempotent


def test_forget_user_leaves_nothing_for_a_namesake(rules: IpRestrictions) -> None:
    rules.create_account("U1", ["alice", "bob"], ["10.0.0.0/8"], now=1)
    rules.set_user_allowlist("alice", ["10.1.0.0/16"], now=1)
    rules._store.access.forget_user("alice")
    assert rules.user_allowlist("alice") == {"username": "alice", "ip_allowlist": [], "account_id": None}
    assert rules.account("U1")["users"] == ["bob"]
    assert rules.allowed("alice", "192.0.2.1")


def attempt(username: str, ip: str | None) -> Attempt:
    """A login attempt whose user's IP rules the check reads itself (``access`` not read ahead)."""
    return Attempt(username, username.strip().lower(), ip, now=5)


def test_login_check_refuses_before_the_password_and_records_it(rules: IpRestrictions) -> None:
    rules.set_user_allowlist("alice", ["203.0.113.5"], now=1)
    check = IpCheck(rules, rules._events)
    check.before_password(attempt("ALICE", "203.0.113.5"))
    with pytest.raises(IpRestricted) as caught:
        check.before_password(attempt(" Alice ", "198.51.100.1"))
    assert caught.value.body() == {
        "error": "ip_restricted",
        "message": "Login is not permitted from this address.",
    }
    check.before_password(attempt("bad name!", "198.51.100.1"))  # cannot be a user, no list: passes
    events, _ = rules._events.page(type_="ip.rejected")
    assert [(e["user"], e["ip"], e["result"]) for e in events] == [("alice", "198.51.100.1", "login_refused")]

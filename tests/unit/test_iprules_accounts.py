"""Undoing a multi-user account on a real Redis (``IpRestrictions``: accounts listed, deleted, a user taken
out), and the states in between its steps: a membership is written in two slots (the account's member set,
the user's link), so a deletion or a join cut short must leave nothing a reader or the next change trips
on."""

from __future__ import annotations

import pytest
from test_iprules import rules_on_redis  # noqa: F401 (the fixture `rules`)

from sls_server.accounts.access import IpRestrictions
from sls_server.accounts.errors import UnknownAccount, UserNotFound, UserNotInAccount
from sls_server.errors import InvalidRequest

OUTSIDE = "192.0.2.1"  # in no list below


def events(rules: IpRestrictions, type_: str) -> list[tuple[str | None, dict[str, object]]]:
    found, _ = rules._events.page(type_=type_)
    return [(e.get("user"), e.get("detail", {})) for e in found]


def keys_of(rules: IpRestrictions, account_id: str) -> list[str]:
    """Every key under the account's tag."""
    return sorted(rules._store.client.scan_iter(match=f"sls:{{a:{account_id}}}:*"))


def test_accounts_are_listed_by_id_an_empty_one_too(rules: IpRestrictions) -> None:
    assert rules.accounts() == []
    rules.create_account("U2", ["carol"], [], now=2)
    rules.create_account("U1", ["bob", "alice"], ["10.0.0.0/8"], now=1)
    rules.create_account("U0", [], [], now=3)
    listed = rules.accounts()
    assert [(a["account_id"], a["users"], a["ip_allowlist"]) for a in listed] == [
        ("U0", [], []),
        ("U1", ["alice", "bob"], ["10.0.0.0/8"]),
        ("U2", ["carol"], []),
    ]
    assert listed[1] == rules.account("U1")


def test_a_deleted_account_s_list_applies_to_no_one_and_its_users_keep_their_own(
    rules: IpRestrictions,
) -> None:
    rules.create_account("U1", ["alice", "bob"], ["10.0.0.0/8"], now=1)
    rules.set_user_allowlist("bob", ["10.1.0.0/16", OUTSIDE], now=1)
    assert not rules.allowed("alice", OUTSIDE) and not rules.allowed("bob", OUTSIDE)

    assert rules.delete_account("U1", now=2) == {"deleted": "U1", "users": ["alice", "bob"]}
    assert rules.allowed("alice", OUTSIDE)
    assert rules.allowed("bob", OUTSIDE) and not rules.allowed("bob", "10.2.0.1")  # bob's own list stays
    assert rules.user_allowlist("alice") == {"username": "alice", "ip_allowlist": [], "account_id": None}
    assert rules.user_allowlist("bob")["ip_allowlist"] == ["10.1.0.0/16", OUTSIDE]
    assert rules.accounts() == []
    with pytest.raises(UnknownAccount):
        rules.account("U1")
    with pytest.raises(UnknownAccount):
        rules.delete_account("U1", now=3)
    assert events(rules, "account.deleted") == [(None, {"account_id": "U1", "users": 2})]
    assert keys_of(rules, "U1") == []  # nothing of it is left in Redis
    rules.create_account("U2", ["alice"], [], now=3)  # free to join another
    assert rules.create_account("U1", ["bob"], [], now=4)["users"] == ["bob"]  # and the id to be used again


def test_a_user_taken_out_of_an_account_leaves_it_and_the_last_leaves_it_empty(rules: IpRestrictions) -> None:
    rules.create_account("U1", ["alice", "bob"], ["10.0.0.0/8"], now=1)
    rules.set_user_allowlist("alice", [OUTSIDE, "10.0.0.1"], now=1)
    after = rules.remove_user_from_account("U1", "ALICE", now=2)
    assert (after["users"], after["ip_allowlist"]) == (["bob"], ["10.0.0.0/8"])
    assert rules.allowed("alice", OUTSIDE)  # the account's list no longer applies; her own still does
    assert not rules.allowed("alice", "10.0.0.2")
    assert rules.user_allowlist("alice")["account_id"] is None
    assert not rules.allowed("bob", OUTSIDE)
    assert events(rules, "account.user_removed") == [("alice", {"account_id": "U1"})]

    assert rules.remove_user_from_account("U1", "bob", now=3)["users"] == []
    assert rules.account("U1")["ip_allowlist"] == ["10.0.0.0/8"]  # the account stays, empty
    assert rules.add_user_to_account("U1", "bob", now=4)["users"] == ["bob"]


def test_taking_out_someone_not_in_the_account_is_refused_and_changes_nothing(rules: IpRestrictions) -> None:
    rules.create_account("U1", ["alice"], ["10.0.0.0/8"], now=1)
    rules.create_account("U2", ["bob"], [], now=1)
    before = (rules.accounts(), [rules.user_allowlist(n) for n in ("alice", "bob", "carol")])
    with pytest.raises(UserNotInAccount) as caught:
        rules.remove_user_from_account("U1", "bob", now=2)
    assert caught.value.body() == {
        "error": "user_not_in_account",
        "message": "The user is not in that account.",
        "username": "bob",
        "account_id": "U1",
    }
    with pytest.raises(UserNotInAccount):
        rules.remove_user_from_account("U1", "carol", now=2)
    with pytest.raises(UserNotFound):
        rules.remove_user_from_account("U1", "ghost", now=2)
    with pytest.raises(UnknownAccount):
        rules.remove_user_from_account("U9", "alice", now=2)
    with pytest.raises(InvalidRequest):
        rules.remove_user_from_account("no spaces", "alice", now=2)
    with pytest.raises(InvalidRequest):
        rules.delete_account("", now=2)
    assert (rules.accounts(), [rules.user_allowlist(n) for n in ("alice", "bob", "carol")]) == before
    assert events(rules, "account.user_removed") == events(rules, "account.deleted") == []


def test_a_deletion_cut_short_after_its_first_step_is_harmless_and_finished_later(
    rules: IpRestrictions,
) -> None:
    """The account's record and member set are gone, its members' links and the deletion's mark are not
    (the process died)."""
    rules.create_account("U1", ["alice", "bob", "carol"], ["10.0.0.0/8"], now=1)
    assert rules._store.access.remove_account("U1", now=2) == ["alice", "bob", "carol"]
    assert rules._store.access.user_access("alice").account_id == "U1"  # left behind
    assert rules.allowed("alice", OUTSIDE)  # no list of a gone account applies
    assert rules.user_allowlist("alice")["account_id"] is None
    assert rules.accounts() == []
    with pytest.raises(UnknownAccount):
        rules.add_user_to_account("U1", "alice", now=2)
    assert rules.create_account("U2", ["alice"], [], now=2)["users"] == ["alice"]  # her link passes to U2
    assert rules.user_allowlist("alice")["account_id"] == "U2"
    rules.create_account("U1", ["bob"], ["198.51.100.0/24"], now=3)  # finishes the deletion first
    assert rules.account("U1")["users"] == ["bob"]
    assert rules._store.access.user_access("carol").account_id is None
    assert rules.allowed("carol", OUTSIDE)  # not caught by the new U1's list
    assert not rules.allowed("bob", OUTSIDE)
    assert rules.user_allowlist("alice")["account_id"] == "U2"  # the new U1 took nothing of U2's
    [(_, detail)] = events(rules, "account.deleted")
    assert detail == {"account_id": "U1", "users": 3, "resumed": True, "begun_at": 2}


def test_a_second_delete_finishes_a_deletion_cut_short(rules: IpRestrictions) -> None:
    rules.create_account("U1", ["alice"], ["10.0.0.0/8"], now=1)
    rules._store.access.remove_account("U1", now=2)
    assert rules.delete_account("U1", now=2) == {"deleted": "U1", "users": ["alice"]}
    assert rules._store.access.user_access("alice").account_id is None
    assert keys_of(rules, "U1") == []
    with pytest.raises(UnknownAccount):
        rules.delete_account("U1", now=3)


def test_members_are_never_added_to_an_account_that_is_gone(rules: IpRestrictions) -> None:
    """An add whose check saw the account, and whose write comes after its deletion."""
    rules.create_account("U1", [], [], now=1)
    incarnation = rules._store.access.incarnation("U1")
    assert incarnation
    rules.delete_account("U1", now=2)
    assert rules._store.access.add_members("U1", incarnation, ["alice"]) is False
    assert keys_of(rules, "U1") == []


def test_a_user_left_in_the_member_set_alone_can_still_be_taken_out(rules: IpRestrictions) -> None:
    """A removal cut short after its first step (the link released, the set not yet written)."""
    rules.create_account("U1", ["alice", "bob"], ["10.0.0.0/8"], now=1)
    rules._store.access.unlink_account("alice", "U1")
    assert rules.remove_user_from_account("U1", "alice", now=2)["users"] == ["bob"]


def test_a_deletion_cut_short_by_a_server_before_the_mark_is_finished_too(rules: IpRestrictions) -> None:
    """A server before the deletion's mark left the member set (with no record) as what was left to undo: a
    create of the id, or a delete, still finishes it rather than taking the old members into the new
    account."""
    rules.create_account("U1", ["alice"], ["10.0.0.0/8"], now=1)
    rules._store.client.delete("sls:{a:U1}:account")  # what that server's first step left
    assert rules.create_account("U1", ["bob"], [], now=3)["users"] == ["bob"]
    assert rules._store.access.user_access("alice").account_id is None
    [(_, detail)] = events(rules, "account.deleted")
    assert detail == {"account_id": "U1", "users": 1, "resumed": True, "begun_at": 3}
    rules._store.client.delete("sls:{a:U1}:account")
    assert rules.delete_account("U1", now=4) == {"deleted": "U1", "users": ["bob"]}
    assert keys_of(rules, "U1") == []

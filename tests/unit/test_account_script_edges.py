"""How the ``account_*.lua`` scripts, ``deletion_end.lua`` and ``deletion_events_written.lua`` keep accounts
and deletions' marks, where ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing
of the Lua scripts"): a link is written when none is held, and one naming another account or another making
of the id is told back; an unlink or a relink touches only the link it names; members join only the making
of the account they were linked to, and only that making is taken back; a deletion leaves a mark of its
members (sorted), its id, the making and why; a member set left with no record is made a mark once; a mark
is noted or released only by its own deletion. Through ``AccessRepo`` and ``UserRepo``, on a real
redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys
from sls_server.store.records import AccountRecord, DeletionLeft
from sls_server.store.records.access import AccountDeletionLeft
from sls_server.store.records.codec import pairs

NOW = 1_900_000_000
ACCOUNT = AccountRecord("U1234", NOW, ("10.0.0.0/8",))
ACCESS, MARK = keys.user_access("alice"), keys.account_deletion(ACCOUNT.account_id)


def hash_of(store: Store, key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(key).items()}


def members(store: Store) -> list[str]:
    return sorted(str(m) for m in store.client.smembers(keys.account_members(ACCOUNT.account_id)))


def test_a_link_is_written_when_none_is_held_and_another_is_told_back(store: Store) -> None:
    store.client.hset(ACCESS, "allowlist", "[]")
    assert store.access.link_account("alice", "U1", "i1") is None
    assert hash_of(store, ACCESS) == {"allowlist": "[]", "account": "U1", "account_incarnation": "i1"}
    assert store.access.link_account("alice", "U1", "i1") is None  # held already: the same
    assert store.access.link_account("alice", "U1", "i2") == ("U1", "i1")
    assert store.access.link_account("alice", "U2", "i1") == ("U1", "i1")
    store.client.hdel(ACCESS, "account_incarnation")  # a link from before incarnations
    assert store.access.link_account("alice", "U1", "") is None
    assert store.access.link_account("alice", "U1", "i1") == ("U1", "")
    assert hash_of(store, ACCESS) == {"allowlist": "[]", "account": "U1"}


def test_an_unlink_releases_only_the_link_it_names(store: Store) -> None:
    store.client.hset(ACCESS, mapping={"allowlist": "[]", "account": "U1", "account_incarnation": "i1"})
    store.access.unlink_account("alice", "U2")
    store.access.unlink_account("alice", "U1", "i2")
    assert hash_of(store, ACCESS)["account"] == "U1"
    store.access.unlink_account("alice", "U1", "i1")
    assert hash_of(store, ACCESS) == {"allowlist": "[]"}
    store.client.hset(ACCESS, mapping={"account": "U1", "account_incarnation": "i1"})
    store.access.unlink_account("alice", "U1")  # any making of the id
    assert hash_of(store, ACCESS) == {"allowlist": "[]"}
    store.client.hset(ACCESS, "account", "U1")  # a link from before incarnations
    store.access.unlink_account("alice", "U1", "")
    assert hash_of(store, ACCESS) == {"allowlist": "[]"}


def test_a_relink_moves_only_the_link_it_names(store: Store) -> None:
    store.client.hset(ACCESS, mapping={"account": "U1", "account_incarnation": "i1"})
    assert store.access.relink_account("alice", ("U1", "i2"), "U2", "j1") is False
    assert store.access.relink_account("alice", ("U3", "i1"), "U2", "j1") is False
    assert hash_of(store, ACCESS) == {"account": "U1", "account_incarnation": "i1"}
    assert store.access.relink_account("alice", ("U1", "i1"), "U2", "j1") is True
    assert hash_of(store, ACCESS) == {"account": "U2", "account_incarnation": "j1"}
    store.client.hdel(ACCESS, "account_incarnation")
    assert store.access.relink_account("alice", ("U2", ""), "U3", "k1") is True
    assert hash_of(store, ACCESS) == {"account": "U3", "account_incarnation": "k1"}


def test_members_join_only_the_making_they_were_linked_to(store: Store) -> None:
    assert store.access.add_members(ACCOUNT.account_id, "i1", ["bob"]) is False  # no account
    incarnation = store.access.create_account(ACCOUNT)
    assert incarnation is not None
    assert store.access.add_members(ACCOUNT.account_id, "other", ["bob"]) is False
    assert members(store) == []
    assert store.access.add_members(ACCOUNT.account_id, incarnation, ["carol", "bob"]) is True
    assert members(store) == ["bob", "carol"]
    store.client.hdel(keys.account(ACCOUNT.account_id), "incarnation")  # made before incarnations
    assert store.access.add_members(ACCOUNT.account_id, "", ["dave"]) is True
    assert members(store) == ["bob", "carol", "dave"]


def test_only_the_making_of_the_id_is_taken_back(store: Store) -> None:
    incarnation = store.access.create_account(ACCOUNT)
    assert incarnation is not None
    store.access.add_members(ACCOUNT.account_id, incarnation, ["bob"])
    store.access.delete_account(ACCOUNT.account_id, "other")
    store.access.delete_account(ACCOUNT.account_id, "")
    assert store.access.account(ACCOUNT.account_id) == (ACCOUNT, ["bob"])
    store.access.delete_account(ACCOUNT.account_id, incarnation)
    assert not store.client.exists(keys.account(ACCOUNT.account_id)) and members(store) == []


@pytest.mark.parametrize("taken_back", [False, True])
def test_a_deletion_leaves_a_mark_of_its_members_id_making_and_why(store: Store, taken_back: bool) -> None:
    incarnation = store.access.create_account(ACCOUNT)
    assert incarnation is not None
    store.access.add_members(ACCOUNT.account_id, incarnation, ["carol", "alice", "bob"])
    removed = store.access.remove_account(ACCOUNT.account_id, now=NOW + 3, import_taken_back=taken_back)
    assert removed == ["alice", "bob", "carol"]
    assert not store.client.exists(keys.account(ACCOUNT.account_id)) and members(store) == []
    mark = hash_of(store, MARK)
    expected = {"at": str(NOW + 3), "users": "alice,bob,carol", "id": mark["id"], "incarnation": incarnation}
    assert mark == ({**expected, "import_taken_back": "1"} if taken_back else expected)
    assert len(mark["id"]) == 16
    assert store.access.remove_account(ACCOUNT.account_id, now=NOW + 4) is None
    assert hash_of(store, MARK) == mark
    assert store.access.deletion_left(ACCOUNT.account_id, now=NOW + 5) == AccountDeletionLeft.from_hash(mark)


def test_an_account_made_before_incarnations_leaves_an_empty_one(store: Store) -> None:
    store.client.hset(keys.account(ACCOUNT.account_id), items=pairs(ACCOUNT.to_hash()))
    assert store.access.remove_account(ACCOUNT.account_id, now=NOW) == []
    assert hash_of(store, MARK)["incarnation"] == "" and hash_of(store, MARK)["users"] == ""


def test_a_member_set_left_with_no_record_is_made_a_mark_once(store: Store) -> None:
    assert store.access.deletion_left(ACCOUNT.account_id, now=NOW) is None
    store.client.sadd(keys.account_members(ACCOUNT.account_id), "carol", "alice")
    store.client.hset(keys.account(ACCOUNT.account_id), items=pairs(ACCOUNT.to_hash()))
    assert store.access.deletion_left(ACCOUNT.account_id, now=NOW) is None  # the account is there
    assert members(store) == ["alice", "carol"] and not store.client.exists(MARK)
    store.client.delete(keys.account(ACCOUNT.account_id))
    left = store.access.deletion_left(ACCOUNT.account_id, now=NOW + 7)
    assert left is not None and (left.at, left.users) == (NOW + 7, ("alice", "carol"))
    mark = hash_of(store, MARK)
    assert mark == {"at": str(NOW + 7), "users": "alice,carol", "id": left.id} and len(left.id) == 16
    assert members(store) == []
    assert store.access.deletion_left(ACCOUNT.account_id, now=NOW + 8) == left  # the mark, kept
    store.client.sadd(keys.account_members(ACCOUNT.account_id), "dave")
    assert store.access.deletion_left(ACCOUNT.account_id, now=NOW + 9) == left
    assert hash_of(store, MARK) == mark


def test_a_mark_is_noted_and_released_only_by_its_own_deletion(store: Store) -> None:
    store.client.hset(MARK, mapping={"at": NOW, "users": "", "id": "d1"})
    other = AccountDeletionLeft(at=NOW, id="d2")
    store.access.events_written(ACCOUNT.account_id, other)
    store.access.end_deletion(ACCOUNT.account_id, other)
    assert hash_of(store, MARK) == {"at": str(NOW), "users": "", "id": "d1"}
    own = AccountDeletionLeft(at=NOW, id="d1")
    store.access.events_written(ACCOUNT.account_id, own)
    assert hash_of(store, MARK)["events"] == "1"
    store.access.end_deletion(ACCOUNT.account_id, own)
    assert not store.client.exists(MARK)
    store.access.events_written(ACCOUNT.account_id, own)  # gone: nothing made again
    assert not store.client.exists(MARK)


def test_a_users_mark_from_before_the_ids_is_its_deletions_whose_id_is_empty(store: Store) -> None:
    mark = keys.user_deletion("alice")
    store.client.hset(mark, mapping={"at": NOW, "devices": ""})
    store.users.events_written("alice", DeletionLeft(at=NOW, id="d1"))
    assert "events" not in hash_of(store, mark)
    store.users.events_written("alice", DeletionLeft(at=NOW))
    assert hash_of(store, mark)["events"] == "1"
    store.users.end_deletion("alice", DeletionLeft(at=NOW, id="d1"))
    assert store.client.exists(mark)
    store.users.end_deletion("alice", DeletionLeft(at=NOW))
    assert not store.client.exists(mark)
    store.client.hset(mark, "id", "")  # no 'at': no mark of a deletion
    store.users.events_written("alice", DeletionLeft(at=NOW))
    assert hash_of(store, mark) == {"id": ""}
    store.users.end_deletion("alice", DeletionLeft(at=NOW))
    assert hash_of(store, mark) == {"id": ""}

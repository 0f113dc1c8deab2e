"""How ``push_bombing_answer.lua`` counts the victim's answers to a push bombing, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): an
answer to one of its pushes still unanswered is counted once, by how it ended, and the push
is no longer pending; a second answer to it, or one to a login none of its pushes, counts nothing. Through
``PushBombingRepo.answered``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, connect, keys

NOW = 1_900_000_000


@pytest.fixture
def store(store: Store) -> Store:
    pushes = {"alice~t1": NOW + 60, "alice~t2": NOW + 60}
    store.push_bombings.start("alice", ip="203.0.113.9", at=NOW, report={}, pushes=pushes, ttl_s=600)
    return store


def test_an_answer_is_counted_once_by_how_it_ended(store: Store) -> None:
    assert store.push_bombings.answered("alice", "alice~t1", "denied") is True
    assert store.push_bombings.answered("alice", "alice~t1", "denied") is False
    assert store.push_bombings.answered("alice", "alice~t1", "got_in") is False
    record = store.push_bombings.read("alice")
    assert record is not None
    assert record.answers == {"denied": 1}
    assert record.pending == {"alice~t2": NOW + 60}


def test_answers_to_two_pushes_add_up_by_how_each_ended(store: Store) -> None:
    assert store.push_bombings.answered("alice", "alice~t1", "denied") is True
    assert store.push_bombings.answered("alice", "alice~t2", "wrong_number") is True
    record = store.push_bombings.read("alice")
    assert record is not None
    assert record.answers == {"denied": 1, "wrong_number": 1}
    assert record.pending == {}


def test_an_answer_to_a_login_none_of_its_pushes_counts_nothing(store: Store) -> None:
    assert store.push_bombings.answered("alice", "alice~other", "denied") is False
    record = store.push_bombings.read("alice")
    assert record is not None
    assert record.answers == {}
    assert len(record.pending) == 2


def test_the_bombing_keeps_no_total_beside_its_answers(store: Store, redis_url: str) -> None:
    """The count the console shows is the answers' sum (``sim/push_bombing_state.py``); a stored total beside
    them was read by nothing and could only disagree with them."""
    assert store.push_bombings.answered("alice", "alice~t1", "denied") is True
    fields = set(connect(redis_url).hkeys(keys.push_bombing("alice")))
    assert fields == {"ip", "at", "pushes", "report", "a:denied", "t:alice~t2"}

"""The per-process memory of users' device ids (``store/hints.py``): bounded, and never trusted over the set
read with it."""

from __future__ import annotations

from sls_server.store.hints import DeviceHints, devices_named
from sls_server.store.records import DeviceRecord


def _card(device_id: str) -> dict[str, str]:
    record = DeviceRecord(
        device_id=device_id, type="dscplus", owner="alice", status="active", created_at=1, version=0
    )
    return dict(record.to_hash())


def test_hints_remember_the_last_set_read_and_forget_all_past_the_limit() -> None:
    hints = DeviceHints(limit=2)
    hints.learn("alice", ("d1",))
    hints.learn("alice", ("d1", "d2"))
    assert hints.of("alice") == ("d1", "d2")
    hints.learn("bob", ("d3",))
    hints.learn("carol", ("d4",))  # a third user: the memory starts again
    assert hints.of("alice") == () and hints.of("bob") == ()
    assert hints.of("carol") == ("d4",)


def test_only_devices_the_set_names_are_used_and_a_missed_one_means_read_them_all() -> None:
    found = [_card("d1"), _card("d2")]
    named = devices_named(("d2",), ("d1", "d2"), found)  # d1 left the set since the hint
    assert named is not None and [d.device_id for d in named] == ["d2"]
    assert devices_named(("d1", "d9"), ("d1", "d2"), found) is None  # d9 is new: not in the hint
    assert devices_named(("d1",), ("d1",), [{}]) is None  # the hinted record is gone
    assert devices_named((), (), []) == ()

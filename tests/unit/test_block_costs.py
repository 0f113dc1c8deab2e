"""The blocks every login and verify opens (the write-behind block, an event's cause, the step's refusals) are
plain context managers, not ``contextlib.contextmanager`` generators: one of those costs a generator, a
wrapper object and a ``StopIteration`` caught at the block's end, some 4,000 instructions, six times a flow.
What the blocks do is held by ``test_write_behind.py``, ``tests/api/test_answers_to_steps_that_are_over.py``
and the API's tests of the trail."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from sls_server.auth.step_trail import refusals_recorded
from sls_server.events import EventLog
from sls_server.store import Store


@pytest.fixture
def store(redis_url: str) -> Iterator[Store]:
    store = Store.from_url(redis_url)
    yield store
    store.close()


def _contextlib_calls(block: Callable[[], Any]) -> list[str]:
    calls: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename.endswith("contextlib.py"):
            calls.append(frame.f_code.co_name)

    sys.setprofile(watch)
    try:
        block()
    finally:
        sys.setprofile(None)
    return calls


def test_the_flows_blocks_are_opened_without_contextlib(store: Store) -> None:
    events = EventLog(store.events)

    def blocks() -> None:
        with store.write_behind(), store.write_behind():  # the inner one joins the outer
            pass
        with events.caused() as cause:
            assert cause is not None
        with store.events.together():
            pass
        with refusals_recorded(events, cast(Any, None), now=0, ip=None):
            pass

    assert _contextlib_calls(blocks) == []


def test_a_queued_write_and_an_event_are_made_without_setting_fields_through_object_setattr() -> None:
    """Some 25 queued writes a flow (``writebehind.Queued``, and the trail's appends,
    ``store.events._Append``) and four events (``records.Event``): a frozen dataclass set each field through
    ``object.__setattr__`` (an event's eight, some 11,000 instructions), and a queued write kept an instance
    dict besides."""
    from types import SimpleNamespace

    from sls_server.event_hold import build_event
    from sls_server.store.events import _Append
    from sls_server.store.writebehind import Queued

    made = [
        Queued(("HGETALL", "k")),
        Queued(("a", 1), SimpleNamespace(sha="abc"), ("k",)),
        _Append(("a",), SimpleNamespace(sha="abc"), ("k",)),
        build_event("login.succeeded", 1, "alice", "192.0.2.7", "dscplus", "d-1", "success", {"n": 1}),
    ]
    # The profiler does not see a slot wrapper's call (``object.__setattr__``): its name in the code does.
    for kind in {type(write) for write in made}:
        assert "__setattr__" not in kind.__init__.__code__.co_names, kind
    assert not any(hasattr(write, "__dict__") for write in made)

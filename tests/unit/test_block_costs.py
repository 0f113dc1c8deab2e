"""The blocks every login and verify opens (the write-behind block, an event's cause, the step's refusals) are
plain context managers, not ``contextlib.contextmanager`` generators: one of those costs a generator, a
wrapper object and a ``StopIteration`` caught at the block's end, some 4,000 instructions, six times a flow.
What the blocks do is held by ``test_write_behind.py``, ``tests/api/test_answers_to_steps_that_are_over.py``
and the API's tests of the trail."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, cast

from sls_server.auth.step_trail import refusals_recorded
from sls_server.events import EventLog
from sls_server.store import Store


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

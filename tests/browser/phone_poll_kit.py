"""Helpers of the phone page's poll tests: count the states the page draws, and hold one poll's answer, so a
test puts a poll exactly where a loaded machine or a slow link would, and waits on events, never on time."""

from __future__ import annotations

from typing import Any


def count_states(page: Any) -> None:
    """Count, from now, the phone states the page draws (each poll's, each refresh's, each own answer's)."""
    page.evaluate(
        "() => { window.__states = 0;"
        " if (!window.__counting)"
        "   document.addEventListener('sls:phone-state', () => { window.__states += 1; });"
        " window.__counting = true; }"
    )


def states_drawn(page: Any, count: int) -> int:
    """Wait until `count` states were drawn since `count_states`; how many were."""
    page.wait_for_function(f"() => window.__states >= {count}")
    return int(page.evaluate("() => window.__states"))


def hold_next_poll(page: Any, state_url: str) -> Any:
    """Catch the page's next poll of `state_url` and leave it unanswered: the route, for the test to fulfil
    when it likes (with the state from before a change, to be a poll that was asked before it)."""
    held: list[Any] = []

    def hold_one(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    with page.expect_request(state_url):  # the next poll, within 1.5 s
        page.route(state_url, hold_one)
    for _ in range(100):  # each call lets Playwright run the route handler it has queued
        if held:
            break
        page.evaluate("1")
    assert held, "no poll was held"
    return held[0]

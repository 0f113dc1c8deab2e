"""Helpers of the browser tests that hold a moment still: a page's requests held unanswered until the test
lets them go, and a press held down on a control (half a tap), to see what moves
under the finger meanwhile."""

from __future__ import annotations

import time
from typing import Any


def hold(page: Any, pattern: str) -> list[Any]:
    """Requests of ``page`` to ``pattern`` held from now on, unanswered, until the test lets each go on
    (``route.continue_()``, in the list's order) or the page closes; ``until_held`` waits for the first."""
    held: list[Any] = []
    page.route(pattern, lambda route: held.append(route))
    return held


def until_held(held: list[Any], page: Any, seconds: float = 15) -> None:
    """Wait until a route handler has held an answer (``held`` non-empty): Playwright runs the handler, which
    fetches the server's answer, only while the test waits on the browser, so ``page`` (another tab than the
    held one, whose navigation is paused) is asked something until it has, within ``seconds``."""
    until = time.monotonic() + seconds
    while not held and time.monotonic() < until:
        page.evaluate("1")
    assert held, f"no answer was held within {seconds} s"


def press(page: Any, control: Any) -> tuple[float, float]:
    """Press the mouse on the middle of `control` and keep it down (the first half of a tap); the point."""
    control.scroll_into_view_if_needed()  # in a box that scrolls (the phone's app), it may be out of sight
    box = control.bounding_box()
    assert box is not None, "the control is not drawn"
    point = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*point)
    page.mouse.down()
    return point


def under(control: Any, point: tuple[float, float]) -> bool:
    """Whether `point` (a press's) is on `control` now: a tap's release there is its click."""
    box = control.bounding_box()
    x, y = point
    return bool(box) and box["x"] < x < box["x"] + box["width"] and box["y"] < y < box["y"] + box["height"]

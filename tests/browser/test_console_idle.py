"""A trainer console left open idles out, though it refreshes itself and holds its live feed: the page ends
at the sign-in form, saying why (``auth.console``; the API-level cases: ``tests/api/test_console_idle.py``).

The server is another process, whose wall clock freezegun cannot reach, and the shortest idle time it takes is
a minute: the test brings the sign-in's idle deadline a few seconds ahead instead (as though all but those
seconds of the minute had passed without the trainer), then waits, with a deadline, for the page to leave.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import sign_in_trainer
from .pages_kit import World

#: Seconds left of the idle time once the test has moved it on: room for the page's own refresh to happen.
LEFT_S = 8


def bring_idle_deadline_close(redis_url: str, seconds: int) -> None:
    redis = connect(redis_url)
    try:
        [sign_in] = list(redis.scan_iter(match="sls:{console}:sign_in:*"))  # an empty Redis: this page's
        redis.hset(sign_in, "idle_until", int(time.time()) + seconds)
    finally:
        redis.close()


def test_an_open_trainer_console_idles_out_to_the_sign_in_form_which_says_why(
    browser: Any, sls_serve: Any, page: Any, admin_headers: dict[str, str], redis_url: str
) -> None:
    server = sls_serve(workers=1, SLS_CONSOLE_IDLE_TIMEOUT="60")
    world = World(server.url, admin_headers)
    sign_in_trainer(page, world)
    bring_idle_deadline_close(redis_url, LEFT_S)

    world.user("dora")  # an event the feed brings: the page refreshes its users table on its own
    expect(page.locator("tr[data-username='dora']")).to_be_visible()

    signed_out = page.get_by_test_id("trainer-signed-out")
    expect(signed_out).to_have_text(
        "Signed out after 1 min of inactivity. Sign in again.", timeout=(LEFT_S + 10) * 1000
    )
    expect(page.get_by_test_id("trainer-token")).to_be_visible()
    expect(page.get_by_test_id("trainer-sign-out")).to_have_count(0)

"""The trainer's live feed through a Redis outage, in Chromium against a real ``sls serve`` on its own
redis-server: the console says why the feed stopped (not an endless "reconnecting…"), and is live again,
showing new events, once Redis is back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from sls_server.store.embedded import EmbeddedRedis

from .pages_kit import World
from .test_trainer_console import sign_in


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[EmbeddedRedis]:
    redis = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()  # its data outlives a restart
    yield redis
    redis.stop()


def test_the_feed_says_redis_is_unreachable_and_comes_back_live(
    browser: Any,
    sls_serve: Callable[..., Any],
    own_redis: EmbeddedRedis,
    admin_headers: dict[str, str],
    page: Any,
) -> None:
    world = World(sls_serve(workers=1, redis=own_redis.url).url, admin_headers)
    world.user("olga")
    sign_in(page, world)
    state = page.get_by_test_id("feed-state")

    own_redis.stop()
    expect(state).to_have_text("Redis unreachable: retrying…")
    expect(state).to_have_attribute("data-state", "outage")

    own_redis.start()
    expect(state).to_have_text("live")
    wrong = {"username": "olga", "password": "nope-nope-nope-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    event = page.locator("[data-testid=feed-event][data-type='login.password_failed']")
    expect(event.first).to_contain_text("olga")


def test_a_stream_ended_on_purpose_keeps_the_feed_live_and_a_lost_server_does_not(
    world: World, page: Any
) -> None:
    """The server ends each stream after STREAM_S (25 s) and the browser opens the next: the badge said
    "reconnecting…" each time. Streams that end at once (served here by the test, each with one event, as
    the server's would after 25 s) keep it "live"; a server that no longer answers still shows."""
    served: list[str] = []

    gone = False

    def short_stream(route: Any) -> None:
        if gone:  # the server is gone: every retry fails
            route.abort()
            return
        served.append(route.request.url)
        n = len(served)
        event = {
            "id": f"{n}-0",
            "type": "login.password_failed",
            "at": 1_900_000_000 + n,
            "user": f"stream{n}",
        }
        body = (
            f"retry: 200\n\nid: {n}-0\nevent: audit\ndata: {json.dumps(event)}\n\nevent: live\ndata: {{}}\n\n"
        )
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)

    page.route("**/trainer/events", short_stream)
    sign_in(page, world)
    state = page.get_by_test_id("feed-state")
    page.evaluate(
        """(badge) => { window.badgeSaid = [badge.textContent];
           new MutationObserver(() => window.badgeSaid.push(badge.textContent))
             .observe(badge, { childList: true, characterData: true, subtree: true }); }""",
        state.element_handle(),
    )
    feed = page.get_by_test_id("feed-event")
    expect(feed.filter(has_text="stream4")).to_be_visible()  # three planned reconnects since the sign-in
    assert "reconnecting…" not in page.evaluate("window.badgeSaid")
    expect(state).to_have_text("live")

    gone = True
    expect(state).to_have_text("reconnecting…")

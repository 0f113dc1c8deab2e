"""The account page's "Your sessions" (ASVS 7.5.2): this browser's session marked among the user's others, and
"Log out your other sessions" through the page's verify-your-identity step; the others' tokens die, this
browser stays logged in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .pages_kit import World, confirm_identity, log_in_over_the_api, log_in_with_card, session_status


@pytest.fixture
def server(browser: Any, shared_serve: Callable[..., Any]) -> Any:
    """A server that keeps each login's session (SLS_SESSION_CONCURRENCY=allow), so there are others."""
    return shared_serve(workers=1, SLS_SESSION_CONCURRENCY="allow")


def test_your_sessions_marks_this_browser_and_logs_out_the_others_after_verifying(
    world: World, page: Any
) -> None:
    card_id = log_in_with_card(page, world, "sara", pin="2468")
    expect(page.get_by_test_id("own-session")).to_have_count(1)
    expect(page.get_by_test_id("own-session-current")).to_have_text("This browser")
    expect(page.get_by_test_id("no-other-sessions")).to_be_visible()
    expect(page.get_by_test_id("end-other-sessions")).to_have_count(0)

    others = [log_in_over_the_api(world, "sara", card_id, "2468") for _ in range(2)]
    page.reload()
    expect(page.get_by_test_id("own-session")).to_have_count(3)
    expect(page.locator("[data-testid=own-session][data-current=true]")).to_have_count(1)
    expect(page.get_by_test_id("own-session-current")).to_have_count(1)
    page.get_by_test_id("end-other-sessions").click()

    confirm_identity(page, "sara")  # the page's verify-your-identity step, as for its other tasks
    expect(page.get_by_test_id("verify-step")).to_contain_text("Log out your other sessions")
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    page.get_by_test_id("step-submit").click()

    expect(page.get_by_test_id("account-done")).to_contain_text("Your other sessions were logged out (2)")
    expect(page.get_by_test_id("own-session")).to_have_count(1)
    expect(page.get_by_test_id("own-session-current")).to_be_visible()
    expect(page.get_by_test_id("no-other-sessions")).to_be_visible()
    assert [session_status(world, token) for token in others] == [401, 401]
    page.reload()
    expect(page.get_by_test_id("account-username")).to_have_text("sara")  # this browser stays logged in

"""Two tabs of one browser on the account page, a step-up in one: the other's countdown poll, sent with the
token the step-up retired while the browser's jar already holds the new one (the race between the tabs,
made certain here by sending that poll with the old cookie), is not told its session ended. It used to be
sent to "a newer login ended your session" (``reason=replaced``); it opens the account page again, with the
new cookie, and its *Stay logged in* then works."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World, log_in_with_card, verify_with_card

ROTATED = {"state": "rotated", "next": "/account"}


def test_the_other_tabs_poll_with_the_retired_token_reloads_its_page_and_keeps_the_session(
    world: World, context: Any, page: Any
) -> None:
    card_id = log_in_with_card(page, world, "rhea", pin="2580")
    [old] = [c["value"] for c in context.cookies() if c["name"] == "sls_session"]
    other = context.new_page()
    told: list[dict[str, Any]] = []

    def in_flight_with_the_old_cookie(route: Any) -> None:
        """The server's own answer to this poll sent with the old cookie (Chromium sends the jar's cookie
        whatever a route's headers say), as the poll sent just before the jar took the new one."""
        sent = requests.get(route.request.url, cookies={"sls_session": old}, timeout=10)
        told.append(sent.json())
        route.fulfill(status=sent.status_code, content_type="application/json", body=sent.content)

    other.goto(world.url + "/account")
    expect(other.get_by_test_id("account-username")).to_have_text("rhea")
    other.evaluate("window.unreloaded = true")
    page.get_by_test_id("withdraw-amount").fill("100")
    page.get_by_test_id("withdraw-submit").click()
    verify_with_card(page, world, "rhea", card_id, "2580")
    expect(page.get_by_test_id("account-done")).to_contain_text("withdrawal request was accepted")
    assert [c["value"] for c in context.cookies() if c["name"] == "sls_session"] != [old], "the jar's is new"
    with other.expect_navigation():
        other.route("**/account/session", in_flight_with_the_old_cookie, times=1)  # the next poll
    assert not other.url.startswith(world.url + "/logged-out"), "never told the session ended"
    assert told[-1] == ROTATED, told
    assert other.evaluate("window.unreloaded") is None, "the account page opened again"
    expect(other).to_have_url(world.url + "/account")
    expect(other.get_by_test_id("account-username")).to_have_text("rhea")
    world.advance(15 * 60 - 60)  # into the warning: the reloaded page's Stay logged in is this session's
    expect(other.get_by_test_id("logoff-warning")).to_be_visible()
    other.get_by_test_id("stay-logged-in").click()
    expect(other.get_by_test_id("logoff-warning")).to_be_hidden()
    expect(other.get_by_test_id("session-unavailable")).to_be_hidden()
    expect(page.get_by_test_id("account-username")).to_have_text("rhea")


def test_stay_logged_in_in_the_other_tab_after_a_step_up_keeps_the_session(
    world: World, context: Any, page: Any
) -> None:
    """No race: the other tab's polls carry the new cookie and answer for the live session, but its page's
    form token is bound to the old one, so its *Stay logged in* was refused (403 ``csrf_token_invalid``)
    and the page said it could not check the session while the countdown ran on to a logoff. The session
    keeps the tokens it was rotated from, so the tickle now counts as its activity, as the click meant
    (``test_stepup_other_tab_forms.py`` has the page's other forms)."""
    card_id = log_in_with_card(page, world, "remy", pin="2580")
    other = context.new_page()
    other.goto(world.url + "/account")
    page.get_by_test_id("withdraw-amount").fill("100")
    page.get_by_test_id("withdraw-submit").click()
    verify_with_card(page, world, "remy", card_id, "2580")
    expect(page.get_by_test_id("account-done")).to_contain_text("withdrawal request was accepted")
    world.advance(15 * 60 - 60)  # into the warning, in both tabs
    expect(other.get_by_test_id("logoff-warning")).to_be_visible()
    other.get_by_test_id("stay-logged-in").click()
    expect(other.get_by_test_id("logoff-warning")).to_be_hidden()
    expect(other.get_by_test_id("session-unavailable")).to_be_hidden()
    expect(page.get_by_test_id("logoff-warning")).to_be_hidden()  # the one session, kept alive
    world.advance(120)  # past the logoff the warning announced
    expect(other.get_by_test_id("account-username")).to_have_text("remy")
    assert not other.url.startswith(world.url + "/logged-out")

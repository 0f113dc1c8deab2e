"""Two tabs of one browser on the account page, a step-up in tab B: tab A's forms, never reloaded, still work.
Their form tokens are bound to the session token tab A's page was loaded with, which the step-up rotated (the
browser's jar holds the new one), and every form of tab A was refused *Request refused*, "reload the page
and try again": the user's change lost for a reason they did not cause. The session keeps the tokens it was
rotated from, so the old page's forms are still its own (``tests/api/test_stepup_page_forms.py`` has each
form and the refusals that stay)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .pages_kit import World, log_in_over_the_api, log_in_with_card, session_status, verify_with_card
from .press_kit import hold


@pytest.fixture
def server(browser: Any, shared_serve: Callable[..., Any]) -> Any:
    """A server that keeps each login's session (SLS_SESSION_CONCURRENCY=allow), so there are others."""
    return shared_serve(workers=1, SLS_SESSION_CONCURRENCY="allow")


def _tab_b(context: Any, world: World) -> Any:
    tab = context.new_page()
    tab.goto(world.url + "/account")
    return tab


def _unreloaded(tab: Any) -> None:
    """Mark tab A's page, and hold its countdown's polls from now on, unanswered, as a slow link would: a
    poll sent with the token tab B's step-up is about to retire and answered after it opens the account page
    again, as it must (``test_rotated_poll.py``), and the form would then be a reloaded page's (CI's load
    once put a poll there). Held, not refused: a refused poll draws "cannot check" on the page."""
    hold(tab, "**/account/session")
    tab.evaluate("window.unreloaded = true")


def _still_unreloaded_until_its_form(tab: Any) -> None:
    """Tab A's form is posted from the page as loaded before the step-up, not from a reloaded one."""
    assert tab.evaluate("window.unreloaded") is True


def test_tab_a_changes_the_ip_allowlist_after_tab_bs_step_up(world: World, context: Any, page: Any) -> None:
    card_id = log_in_with_card(page, world, "tara", pin="2468")
    _unreloaded(page)
    other = _tab_b(context, world)
    [old] = [c["value"] for c in context.cookies() if c["name"] == "sls_session"]
    other.get_by_test_id("ip-start").click()
    verify_with_card(other, world, "tara", card_id, "2468")
    expect(other.get_by_test_id("account-done")).to_contain_text("Edit your IP Restrictions below")
    assert [c["value"] for c in context.cookies() if c["name"] == "sls_session"] != [old], "rotated"

    _still_unreloaded_until_its_form(page)
    page.get_by_test_id("ip-start").click()  # tab A's form, its token bound to the retired token
    expect(page.get_by_test_id("account-done")).to_contain_text("Edit your IP Restrictions below")
    page.get_by_test_id("ip-entries").fill("127.0.0.1\n198.51.100.7/24")
    page.get_by_test_id("ip-save").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("Your IP Restrictions were saved")
    expect(page.get_by_test_id("ip-list").locator("li")).to_have_text(["127.0.0.1", "198.51.100.0/24"])
    stored = requests.get(
        f"{world.url}/admin/v1/users/tara/ip-allowlist", headers=world.admin, timeout=10
    ).json()
    assert stored["ip_allowlist"] == ["127.0.0.1", "198.51.100.0/24"], stored


def test_tab_a_ends_the_other_sessions_after_tab_bs_withdrawal(world: World, context: Any, page: Any) -> None:
    card_id = log_in_with_card(page, world, "tess", pin="2468")
    others = [log_in_over_the_api(world, "tess", card_id, "2468") for _ in range(2)]
    page.reload()
    expect(page.get_by_test_id("own-session")).to_have_count(3)
    _unreloaded(page)
    other = _tab_b(context, world)
    other.get_by_test_id("withdraw-amount").fill("100")
    other.get_by_test_id("withdraw-submit").click()
    verify_with_card(other, world, "tess", card_id, "2468")
    expect(other.get_by_test_id("account-done")).to_contain_text("withdrawal request was accepted")

    _still_unreloaded_until_its_form(page)
    page.get_by_test_id("end-other-sessions").click()  # its own step-up: a withdrawal's does not cover it
    verify_with_card(page, world, "tess", card_id, "2468")
    expect(page.get_by_test_id("account-done")).to_contain_text("Your other sessions were logged out (2)")
    assert [session_status(world, token) for token in others] == [401, 401]
    expect(page.get_by_test_id("own-session")).to_have_count(1)
    other.reload()
    expect(other.get_by_test_id("account-username")).to_have_text("tess")  # this browser's session lives on


def test_log_out_in_tab_a_after_tab_bs_step_up_ends_the_browsers_session(
    world: World, context: Any, page: Any
) -> None:
    card_id = log_in_with_card(page, world, "tina", pin="2468")
    _unreloaded(page)
    other = _tab_b(context, world)
    other.get_by_test_id("ip-start").click()
    verify_with_card(other, world, "tina", card_id, "2468")
    expect(other.get_by_test_id("account-done")).to_contain_text("Edit your IP Restrictions below")
    [new] = [c["value"] for c in context.cookies() if c["name"] == "sls_session"]

    _still_unreloaded_until_its_form(page)
    page.get_by_test_id("logout-button").click()
    expect(page).to_have_url(re.compile(re.escape(world.url + "/logged-out?reason=logout&at=")))
    assert session_status(world, new) == 401, "the session the cookie held is ended"
    assert [c for c in context.cookies() if c["name"] == "sls_session"] == []
    other.goto(world.url + "/account")
    expect(other).to_have_url(world.url + "/")  # tab B is logged out too: one session, one browser

"""Tabs of one browser and the account page's problem pages.

Two tabs, each refused on the account page before either showed why: each problem page says its own
refusal. ``/account/problem`` kept one outcome for the browser, so the later refusal replaced the earlier,
and the first page shown dropped it: tab A went back to the account page saying nothing. Each problem page
is now its tab's (``/account/problem?task=ID``, its own outcome; ``tests/api/test_stepup_tabs.py`` has it
without a browser).
A tab whose task was replaced by newer ones (at most ``MAX_TASKS`` wait) says so
(``tests/api/test_stepup_task_limit.py``)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.http.pages.verify_tasks import MAX_TASKS

from .pages_kit import World, confirm_identity, log_in_with_card
from .press_kit import until_held


def test_two_tabs_refused_at_once_each_show_their_own_problem(world: World, context: Any, page: Any) -> None:
    log_in_with_card(page, world, "pru", pin="2468")
    held: list[tuple[Any, Any]] = []

    def hold(route: Any) -> None:
        """Tab A's refusal answered (its outcome set in the browser) but its redirect not yet followed."""
        held.append((route, route.fetch(max_redirects=0)))

    page.route("**/account/phone", hold)
    page.get_by_test_id("phone-new").fill("12")
    page.get_by_test_id("phone-submit").click(no_wait_after=True)
    other = context.new_page()
    other.goto(world.url + "/account")
    until_held(held, other)
    assert len(held) == 1 and held[0][1].status == 303
    assert [c["name"] for c in context.cookies() if c["name"].startswith("sls_page_outcome")], "A's outcome"

    other.get_by_test_id("withdraw-amount").fill("0")
    other.get_by_test_id("withdraw-submit").click()
    expect(other.get_by_test_id("account-error")).to_contain_text("Enter a whole amount")

    route, answer = held[0]
    # Tab A's browser now follows its redirect (its outcome cookie was set when the answer came, above).
    route.fulfill(status=303, headers={"Location": answer.headers["location"]})
    expect(page.get_by_test_id("account-error")).to_contain_text("international form")
    other.reload()
    expect(other).to_have_url(world.url + "/account")  # told once


def test_a_tab_whose_task_was_replaced_by_newer_ones_says_so(world: World, context: Any, page: Any) -> None:
    """More tasks started than wait at once: the oldest tab's is replaced, and its Continue is told so (not
    "completed, or expired"), while the newest still waits."""
    log_in_with_card(page, world, "rex", pin="2468")
    page.get_by_test_id("withdraw-amount").fill("1")
    page.get_by_test_id("withdraw-submit").click()
    expect(page.get_by_test_id("verify-title")).to_have_text("Verify your identity")
    other = context.new_page()
    for amount in range(2, MAX_TASKS + 2):
        other.goto(world.url + "/account")
        other.get_by_test_id("withdraw-amount").fill(str(amount))
        other.get_by_test_id("withdraw-submit").click()
        expect(other.get_by_test_id("verify-title")).to_have_text("Verify your identity")
    tasks = [c for c in context.cookies() if c["name"].startswith("sls_page_verify_")]
    assert len(tasks) == MAX_TASKS and all(c["httpOnly"] and c["sameSite"] == "Strict" for c in tasks)

    confirm_identity(page, "rex")
    expect(page.get_by_test_id("account-error")).to_contain_text("replaced by newer ones")
    expect(page.get_by_test_id("account-back")).to_be_visible()
    confirm_identity(other, "rex")
    expect(other.get_by_test_id("step-challenge")).to_be_visible()

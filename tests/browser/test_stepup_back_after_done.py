"""Back to a task's verify page once the task was done (a withdrawal made, in Chromium): the page used to say
"Nothing was done: this task is no longer waiting for verification (it was completed, or it expired). Start
it again from your account page if you still need it." A user reading "Nothing was done" after Back made
the withdrawal again. The browser now remembers the tasks it completed (``verify_tasks``), and says this one
was done already and that going back does not do it again; a task that expired still says nothing was done.
"""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World, loaded, log_in_with_card, verify_with_card


def _withdrawals(world: World) -> int:
    found = world.url + "/admin/v1/events?type=withdrawal.requested"
    return len(requests.get(found, headers=world.admin, timeout=10).json()["events"])


def test_back_after_a_withdrawal_says_it_was_made(world: World, page: Any) -> None:
    card = log_in_with_card(page, world, "wren", pin="2468")
    page.get_by_test_id("withdraw-amount").fill("250")
    page.get_by_test_id("withdraw-submit").click()
    verify_with_card(page, world, "wren", card, "2468")
    expect(loaded(page.get_by_test_id("account-done"))).to_contain_text("withdrawal request was accepted")

    page.go_back()
    said = loaded(page.get_by_test_id("account-already-done"))
    expect(said).to_contain_text("already done")
    expect(said).to_contain_text("Withdraw funds: 250 USD")
    expect(said).to_contain_text("does not do it again")
    expect(page.locator("body")).not_to_contain_text("Nothing was done")
    expect(page.get_by_test_id("account-error")).to_have_count(0)
    assert _withdrawals(world) == 1
    page.get_by_test_id("account-back").click()
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("wren")


def test_back_to_a_task_that_expired_still_says_nothing_was_done(world: World, page: Any) -> None:
    log_in_with_card(page, world, "yara", pin="2468")
    page.get_by_test_id("withdraw-amount").fill("40")
    page.get_by_test_id("withdraw-submit").click()
    expect(loaded(page.get_by_test_id("verify-title"))).to_be_visible()
    task_page = page.url
    page.context.clear_cookies(name="sls_page_verify_" + task_page.rsplit("=", 1)[1])  # lapsed, as it does
    page.goto(task_page)
    expect(page.get_by_test_id("account-error")).to_contain_text("Nothing was done")
    expect(page.get_by_test_id("account-already-done")).to_have_count(0)
    assert _withdrawals(world) == 0

"""Two tabs of one browser, each with a task waiting on its verify page: tab A a withdrawal at its card's
challenge, tab B a new phone number. Tab B's step-up rotated the session's token and tab A's task, sealed to
the old one, was gone (tab A went back to the account page, saying nothing); with one cookie per browser,
tab B's task had replaced tab A's, and tab A's card response completed tab B's phone change. Each task now
has its own address and cookie (``tests/api/test_stepup_tabs.py`` has the cases without a browser)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, confirm_identity, log_in_with_card, verify_with_card

NEW = "+15555550188"


def test_each_tab_completes_its_own_task_after_the_others_step_up(
    world: World, context: Any, page: Any
) -> None:
    card_id = log_in_with_card(page, world, "tabi", pin="2468")
    page.get_by_test_id("withdraw-amount").fill("250")
    page.get_by_test_id("withdraw-submit").click()
    confirm_identity(page, "tabi")
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.evaluate("window.unreloaded = true")

    other = context.new_page()
    other.goto(world.url + "/account")
    other.get_by_test_id("phone-new").fill(NEW)
    other.get_by_test_id("phone-submit").click()
    verify_with_card(other, world, "tabi", card_id, "2468")  # rotates the session's token
    expect(other.get_by_test_id("account-done")).to_contain_text("We sent a code to")
    assert len([m for m in world.messages(NEW) if m["purpose"] == "phone_change"]) == 1

    assert page.evaluate("window.unreloaded") is True, "tab A answers from its page as loaded before"
    page.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("withdrawal request was accepted")
    assert len([m for m in world.messages(NEW) if m["purpose"] == "phone_change"]) == 1, "B's task ran once"

"""The withdrawal's amount typed with cents or a thousands separator ("250.50", "1,000"), in Chromium: the
field's own check stopped the form with "Please match the requested format." alone, which does not say
what format. The field now says it beside it, as its description ("A whole amount, digits only, like 2500."),
and as its title, which Chromium's bubble adds under that sentence; the amount typed stays to be mended."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, log_in_with_card


def test_an_amount_with_cents_is_told_the_format(world: World, page: Any) -> None:
    log_in_with_card(page, world, "kira", pin="2468")
    amount = page.get_by_test_id("withdraw-amount")
    for typed in ("250.50", "1,000"):
        amount.fill(typed)
        page.get_by_test_id("withdraw-submit").click()
        assert amount.evaluate("field => field.validity.patternMismatch")  # the browser's check stopped it
        expect(amount).to_have_accessible_description("A whole amount, digits only, like 2500.")
        expect(page.get_by_test_id("withdraw-amount-hint")).to_be_visible()
        expect(amount).to_have_value(typed)  # not sent: the page stays, what was typed with it
        assert page.url == world.url + "/account"

""" "Forgot your password?" at each of its stages, checked in Chromium like every other page
(`test_accessibility_pages.py`): the code, the card, the new password with a refusal, and the notice a tab's
address opened from the history shows instead of the form (its `role="alert"` message, added with the
recovery's tab binding, had not been through the checks)."""

from __future__ import annotations

from pprint import pformat
from typing import Any

from playwright.sync_api import expect

from .a11y_kit import page_problems
from .pages_kit import World, to_next_page

PHONE = "+15555550154"


def test_every_stage_of_a_password_reset_has_its_frame_contrast_and_names(world: World, context: Any) -> None:
    world.user("lena", phone=PHONE)
    card_id = str(world.device("lena", "dscplus", pin="2468")["device_id"])
    tab = context.new_page()
    found: dict[str, list[str]] = {}

    def visit(label: str, page: Any) -> None:
        page.wait_for_load_state("networkidle")
        found[label] = page_problems(page)

    tab.goto(world.url + "/recover")
    tab.get_by_test_id("recover-username").fill("lena")
    to_next_page(tab.get_by_test_id("recover-start"))
    visit("the code texted", tab)
    code = next(m["code"] for m in world.messages(PHONE) if m["purpose"] == "password_recovery")
    tab.get_by_test_id("recover-code").fill(code)
    to_next_page(tab.get_by_test_id("recover-code-submit"))
    visit("the card", tab)
    challenge = tab.get_by_test_id("step-challenge").inner_text()
    tab.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    to_next_page(tab.get_by_test_id("step-submit"))
    expect(tab.get_by_test_id("recover-new")).to_be_visible()
    visit("the new password", tab)
    tab.get_by_test_id("recover-new").fill("Violet-Harbour-Lantern-42")
    tab.get_by_test_id("recover-confirm").fill("something else entirely")
    to_next_page(tab.get_by_test_id("recover-save"))
    expect(tab.get_by_test_id("recover-error")).to_be_visible()
    visit("the new password, refused", tab)
    address = tab.url
    other = context.new_page()  # a new tab: no hold in its sessionStorage
    other.goto(address)
    expect(other.get_by_test_id("recover-left")).to_be_visible()
    visit("the tab's address opened in another tab", other)
    failing = {label: problems for label, problems in found.items() if problems}
    assert not failing, pformat(failing, width=120)

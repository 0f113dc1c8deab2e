"""The account page's *Password* card (ASVS 6.2.3, 7.4.3): verify your identity first, then the current
password and the new one typed twice; a typo is told beside the fields, the new password logs in, the old
one no longer, the other sessions are logged out and the phone gets a notice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, log_in_over_the_api, log_in_with_card, verify_with_card

NEW = "Violet-Harbour-Lantern-42"


@pytest.fixture
def server(browser: Any, shared_serve: Callable[..., Any]) -> Any:
    """A server that keeps each login's session (SLS_SESSION_CONCURRENCY=allow), so there are others."""
    return shared_serve(workers=1, SLS_SESSION_CONCURRENCY="allow")


def _login_status(world: World, name: str, password: str) -> int:
    body = {"username": name, "password": password}
    return requests.post(f"{world.url}/api/v1/auth/login", json=body, timeout=10).status_code


def test_a_new_password_after_verifying_with_typos_told_beside_the_fields(world: World, page: Any) -> None:
    card_id = log_in_with_card(page, world, "pete", pin="2468")
    other = log_in_over_the_api(world, "pete", card_id, "2468")
    page.reload()
    expect(page.get_by_test_id("password-form")).to_have_count(0)  # nothing to type before verifying
    page.get_by_test_id("password-start").click()

    expect(page.get_by_test_id("verify-step")).to_contain_text("Change your password")
    verify_with_card(page, world, "pete", card_id, "2468")
    expect(page.get_by_test_id("account-done")).to_contain_text("Identity verified")

    form = page.get_by_test_id("password-form")
    expect(page.get_by_test_id("password-current")).to_have_attribute("autocomplete", "current-password")
    expect(page.get_by_test_id("password-new")).to_have_attribute("autocomplete", "new-password")
    page.get_by_test_id("password-current").fill(PASSWORD)
    page.get_by_test_id("password-new").fill(NEW)
    page.get_by_test_id("password-confirm").fill(NEW + "x")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("account-message")).to_have_text("The two new passwords do not match.")
    expect(page.get_by_test_id("password-new")).to_have_attribute("aria-invalid", "true")

    page.get_by_test_id("password-current").fill("Not-His-Password-1")
    page.get_by_test_id("password-new").fill(NEW)
    page.get_by_test_id("password-confirm").fill(NEW)
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("account-message")).to_have_text("The current password is incorrect.")

    page.get_by_test_id("password-current").fill(PASSWORD)
    page.get_by_test_id("password-new").fill("password123!")
    page.get_by_test_id("password-confirm").fill("password123!")
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("account-message")).to_contain_text("Choose another new password.")

    page.get_by_test_id("password-current").fill(PASSWORD)
    page.get_by_test_id("password-new").fill(NEW)
    page.get_by_test_id("password-confirm").fill(NEW)
    expect(page.get_by_test_id("password-end-others")).to_be_checked()
    form.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("Your password was changed.")
    expect(page.get_by_test_id("account-done")).to_contain_text("Your other sessions were logged out (1)")
    expect(page.get_by_test_id("no-other-sessions")).to_be_visible()

    headers = {"Authorization": f"Bearer {other}"}
    assert requests.get(f"{world.url}/api/v1/session", headers=headers, timeout=10).status_code == 401
    assert _login_status(world, "pete", PASSWORD) == 401
    assert _login_status(world, "pete", NEW) == 200
    notices = [m["text"] for m in world.messages("+15555550160") if m["purpose"] == "notice"]
    assert any("password on your account was changed" in text for text in notices)
    page.reload()
    expect(page.get_by_test_id("account-username")).to_have_text("pete")  # this browser stays logged in


def test_only_the_real_change_says_the_password_was_changed(world: World, page: Any) -> None:
    """The banner a real change lands on names its count; a link that says the same (``?done=password_changed
    &ref=9999``, or the real address with its count edited) makes the page say nothing was done."""
    card_id = log_in_with_card(page, world, "pete", pin="2468")
    log_in_over_the_api(world, "pete", card_id, "2468")
    page.get_by_test_id("password-start").click()
    verify_with_card(page, world, "pete", card_id, "2468")
    expect(page.get_by_test_id("account-done")).to_contain_text("Identity verified")
    page.get_by_test_id("password-current").fill(PASSWORD)
    page.get_by_test_id("password-new").fill(NEW)
    page.get_by_test_id("password-confirm").fill(NEW)
    page.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("Your other sessions were logged out (1)")
    real = page.url
    assert "&seal=" in real, real

    for crafted in ("/account?done=password_changed&ref=9999", real.replace("ref=1", "ref=9999")):
        page.goto(crafted if crafted.startswith("http") else world.url + crafted)
        expect(page.get_by_test_id("account-username")).to_have_text("pete")
        expect(page.get_by_test_id("account-done")).to_have_count(0)
    page.goto(real)
    expect(page.get_by_test_id("account-done")).to_contain_text("Your other sessions were logged out (1)")

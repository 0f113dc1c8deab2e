"""The account page's *IP Restrictions* card ("enable IP Restrictions via the Client Portal"): off at first,
changed after verifying, a list that would shut this browser out refused with the reason beside the field,
then kept: a login from elsewhere is refused, and turning them off lets it in again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, log_in_with_card, verify_with_card


@pytest.fixture
def server(browser: Any, shared_serve: Callable[..., Any]) -> Any:
    """Trusting this machine's X-Forwarded-For, so a login can come from another address."""
    return shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")


def _login_from(world: World, ip: str) -> int:
    body = {"username": "rita", "password": PASSWORD}
    headers = {"X-Forwarded-For": ip}
    return requests.post(f"{world.url}/api/v1/auth/login", json=body, headers=headers, timeout=10).status_code


def test_ip_restrictions_set_and_lifted_from_the_account_page(world: World, page: Any) -> None:
    card_id = log_in_with_card(page, world, "rita", pin="2468")
    expect(page.get_by_test_id("ip-off")).to_be_visible()
    expect(page.get_by_test_id("ip-your-address")).to_have_text("127.0.0.1")
    expect(page.get_by_test_id("ip-form")).to_have_count(0)
    page.get_by_test_id("ip-start").click()

    expect(page.get_by_test_id("verify-step")).to_contain_text("Change your IP Restrictions")
    verify_with_card(page, world, "rita", card_id, "2468")
    expect(page.get_by_test_id("account-done")).to_contain_text("Edit your IP Restrictions below")

    page.get_by_test_id("ip-entries").fill("198.51.100.0/24")
    page.get_by_test_id("ip-save").click()
    expect(page.get_by_test_id("account-message")).to_contain_text(
        "must include the address you are using now"
    )
    expect(page.get_by_test_id("ip-entries")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("ip-off")).to_be_visible()  # nothing was stored
    expect(page.get_by_test_id("ip-entries")).to_have_value("198.51.100.0/24")  # kept, to be mended

    page.get_by_test_id("ip-entries").fill("198.51.100.0/24\nnot-an-address")
    page.get_by_test_id("ip-save").click()
    expect(page.get_by_test_id("account-message")).to_contain_text("“not-an-address” is not an IP address")

    page.get_by_test_id("ip-entries").fill("127.0.0.1\n198.51.100.7/24")
    page.get_by_test_id("ip-save").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("Your IP Restrictions were saved")
    expect(page.get_by_test_id("ip-list").locator("li")).to_have_text(["127.0.0.1", "198.51.100.0/24"])
    assert _login_from(world, "203.0.113.9") == 403
    assert _login_from(world, "198.51.100.20") == 200
    notices = [m["text"] for m in world.messages("+15555550160") if m["purpose"] == "notice"]
    assert any("IP Restrictions on your account were changed" in text for text in notices)

    page.get_by_test_id("ip-entries").fill("")
    page.get_by_test_id("ip-save").click()
    expect(page.get_by_test_id("account-done")).to_contain_text("IP Restrictions are off")
    expect(page.get_by_test_id("ip-off")).to_be_visible()
    assert _login_from(world, "203.0.113.9") == 200

"""A real browser's cookie jar after an account page found its session dead (``pages.account.forgotten``):
the page opened from an address outside the user's IP allowlist ends the session and leaves no session
cookie behind; after an automatic logoff on the server's clock the countdown's own logged-off page keeps it
(another tab is still told why), and the next page opened clears it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .pages_kit import World, log_in_with_card


@pytest.fixture
def server(browser: Any, shared_serve: Callable[..., Any]) -> Any:
    """Trusting this machine's X-Forwarded-For, so the browser's next page can come from another address."""
    return shared_serve(workers=1, SLS_TRUSTED_PROXIES="127.0.0.1/32")


def _session_cookies(context: Any) -> list[str]:
    return [c["name"] for c in context.cookies() if c["name"].endswith("sls_session")]


def test_a_page_from_outside_the_ip_allowlist_leaves_no_session_cookie(
    world: World, context: Any, page: Any
) -> None:
    log_in_with_card(page, world, "tess")
    assert _session_cookies(context) == ["sls_session"]
    # off the account page first: its countdown's poll, sent from the new address too, ended the session and
    # sent the page to /logged-out while the page below was loading (ERR_ABORTED)
    page.goto("about:blank")
    assert world.put("/admin/v1/users/tess/ip-allowlist", {"ip_allowlist": ["127.0.0.1"]})["ip_allowlist"]
    context.set_extra_http_headers({"X-Forwarded-For": "203.0.113.9"})
    page.goto(world.url + "/account")
    expect(page.get_by_test_id("login-username")).to_be_visible()  # the login page, no more said
    assert _session_cookies(context) == []
    live = requests.get(f"{world.url}/admin/v1/users/tess/sessions", headers=world.admin, timeout=10)
    assert live.json()["sessions"] == [], "the session ended with the refused page"


def test_after_an_automatic_logoff_the_next_page_clears_the_cookie(
    world: World, context: Any, page: Any
) -> None:
    log_in_with_card(page, world, "uma")
    world.advance(15 * 60 + 1)
    expect(page.get_by_test_id("logged-out-message")).to_contain_text("15 min of inactivity")
    assert _session_cookies(context) == ["sls_session"], "the countdown's poll leaves it for other tabs"
    page.goto(world.url + "/account")
    expect(page.get_by_test_id("logged-out-message")).to_contain_text("15 min of inactivity")
    assert _session_cookies(context) == []
    page.goto(world.url + "/account")
    expect(page.get_by_test_id("login-username")).to_be_visible()

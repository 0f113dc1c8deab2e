"""Two tabs of one browser refused at once on the account page's own forms (a new password in one, IP
Restrictions in the other), before either showed why: each says its own refusal beside its own form. They
answered ``303 /account`` with one outcome for the path, so the later refusal replaced the earlier: tab B was
told its own, and tab A, its redirect followed last, nothing. Each refusal now goes to its tab's own
``/account?told=KEY`` (``tests/api/test_account_outcome_tabs.py`` has it without a browser)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.http.pages.account import TYPED_CUT
from sls_server.http.pages.ip_form import KEEP_TYPED_CHARS

from .pages_kit import PASSWORD, World, log_in_with_card, verify_with_card
from .press_kit import until_held


def test_two_tabs_refused_at_once_on_the_account_page_each_show_their_own(
    world: World, context: Any, page: Any
) -> None:
    card_id = log_in_with_card(page, world, "tess", pin="2468")
    page.get_by_test_id("password-start").click()
    verify_with_card(page, world, "tess", card_id, "2468")
    held: list[tuple[Any, Any]] = []

    def hold(route: Any) -> None:
        """Tab A's refusal answered (its outcome set in the browser) but its redirect not yet followed."""
        held.append((route, route.fetch(max_redirects=0)))

    page.route("**/account/password/change", hold)
    page.get_by_test_id("password-current").fill(PASSWORD)
    page.get_by_test_id("password-new").fill("Violet-Harbour-Lantern-42")
    page.get_by_test_id("password-confirm").fill("Violet-Harbour-Lantern-43")
    page.get_by_test_id("password-submit").click(no_wait_after=True)
    other = context.new_page()
    other.goto(world.url + "/account")  # (tab A's route is handled while the test waits on the browser)
    expect(other.get_by_test_id("ip-form")).to_be_visible()  # the step-up counts for the session's tabs
    until_held(held, other)
    assert len(held) == 1 and held[0][1].status == 303
    assert [c for c in context.cookies() if c["name"].startswith("sls_page_outcome")], "A's outcome"

    other.get_by_test_id("ip-entries").fill("not-an-address")
    other.get_by_test_id("ip-save").click()
    expect(other.get_by_test_id("account-message")).to_contain_text("“not-an-address” is not an IP address")
    expect(other.get_by_test_id("ip-entries")).to_have_value("not-an-address")  # kept to be mended

    route, answer = held[0]
    route.fulfill(status=303, headers={"Location": answer.headers["location"]})
    expect(page.get_by_test_id("account-message")).to_have_text("The two new passwords do not match.")
    expect(page.get_by_test_id("password-new")).to_have_attribute("aria-invalid", "true")
    other.reload()
    expect(other.get_by_test_id("account-message")).to_have_count(0)  # told once
    expect(other.get_by_test_id("ip-entries")).to_have_value("")


def test_two_tabs_refused_at_once_with_long_lists_are_each_told(
    world: World, context: Any, page: Any
) -> None:
    """Two refused lists, each at the longest kept typed, do not fit the bound together: the earlier tab was
    told nothing. It is told its sentence, and that the addresses it typed were not kept."""
    card_id = log_in_with_card(page, world, "tess", pin="2468")
    page.get_by_test_id("ip-start").click()
    verify_with_card(page, world, "tess", card_id, "2468")
    other = context.new_page()
    other.goto(world.url + "/account")
    typed = "\n".join(f"198.51.100.{n}" for n in range(KEEP_TYPED_CHARS // 14))  # without this address
    held: list[tuple[Any, Any]] = []
    page.route(
        "**/account/ip-allowlist/save", lambda route: held.append((route, route.fetch(max_redirects=0)))
    )
    page.get_by_test_id("ip-entries").fill(typed)
    page.get_by_test_id("ip-save").click(no_wait_after=True)
    other.get_by_test_id("ip-entries").fill(typed)
    until_held(held, other)
    assert len(held) == 1 and held[0][1].status == 303  # A's outcome set, its redirect not yet followed
    other.get_by_test_id("ip-save").click()
    expect(other.get_by_test_id("account-message")).to_contain_text("must include the address you are using")
    expect(other.get_by_test_id("ip-entries")).to_have_value(typed)  # the later kept whole

    route, answer = held[0]
    route.fulfill(status=303, headers={"Location": answer.headers["location"]})
    message = page.get_by_test_id("account-message")
    expect(message).to_contain_text("must include the address you are using")
    expect(message).to_contain_text(TYPED_CUT)
    expect(page.get_by_test_id("ip-entries")).to_have_value("")  # the list saved (none), not a part of A's

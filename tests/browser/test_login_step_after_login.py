"""A login's step page opened again once the browser is logged in (Back after the card's response, or a second
tab left on the step of the login the first tab finished), in Chromium: the user is logged in, so the page
goes to the account, never "This login has ended ... Please log in again", which told a logged-in user to
log in again (and a second login would have left the first session behind, live)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, loaded, log_in_with_card, log_in_with_password


def test_back_to_the_step_after_logging_in_goes_to_the_account(world: World, page: Any) -> None:
    world.user("bea", phone="+15555550161")
    card = str(world.device("bea", "dscplus", pin="2468")["device_id"])
    log_in_with_password(page, world.url, "bea")
    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card, "2468", challenge))
    page.get_by_test_id("step-submit").click()
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("bea")

    page.go_back()
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("bea")
    assert page.url == world.url + "/account"
    expect(page.get_by_test_id("login-error")).to_have_count(0)


def test_a_second_tab_on_the_finished_step_goes_to_the_account(world: World, page: Any) -> None:
    world.user("cleo", phone="+15555550162")
    card = str(world.device("cleo", "dscplus", pin="2468")["device_id"])
    log_in_with_password(page, world.url, "cleo")
    challenge = page.get_by_test_id("step-challenge").inner_text()
    other = page.context.new_page()
    other.goto(page.url)  # the same login's step, in a second tab
    expect(loaded(other.get_by_test_id("step-response"))).to_be_visible()
    page.get_by_test_id("step-response").fill(world.card_response(card, "2468", challenge))
    page.get_by_test_id("step-submit").click()
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("cleo")

    other.get_by_test_id("step-response").fill("12345678")  # the second tab's form, sent after all
    other.get_by_test_id("step-submit").click()
    expect(loaded(other.get_by_test_id("account-username"))).to_have_text("cleo")
    expect(other.get_by_test_id("login-error")).to_have_count(0)


def test_the_step_of_an_ended_login_without_a_session_still_says_so(world: World, page: Any) -> None:
    world.user("dora", phone="+15555550163")
    world.device("dora", "dscplus", pin="2468")
    log_in_with_password(page, world.url, "dora")
    expect(page.get_by_test_id("step-response")).to_be_visible()
    step = page.url
    page.context.clear_cookies()
    page.goto(step)
    expect(page.get_by_test_id("login-error")).to_contain_text("This login has ended")


def test_the_portal_link_while_logged_in_says_so_on_the_login_page(world: World, page: Any) -> None:
    """The account page's "Portal" (and the brand) lead to ``/``, which showed a bare login form to a user
    who is logged in: it now says who is logged in, with the way to the account (another login stays
    possible: a trainer shows one user after another in one browser)."""
    log_in_with_card(page, world, "edna", pin="2468")
    page.get_by_test_id("nav-login").click()
    said = loaded(page.get_by_test_id("login-signed-in"))
    expect(said).to_contain_text("You are logged in as edna")
    expect(page.get_by_test_id("login-form")).to_be_visible()
    said.get_by_role("link").click()
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("edna")
    page.get_by_test_id("logout-button").click()
    expect(loaded(page.get_by_test_id("login-again"))).to_be_visible()
    page.goto(world.url + "/")
    expect(loaded(page.get_by_test_id("login-form"))).to_be_visible()
    expect(page.get_by_test_id("login-signed-in")).to_have_count(0)

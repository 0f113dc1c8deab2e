"""A step-up's push denied in the app ("verify your identity" before a withdrawal), in Chromium: the page
offered "Log in again", a link to the login form, to a user who is logged in (and the form would have
started a second session beside the first). It now offers "Back to your account", where the task is
started again; the login page's own push step still offers "Log in again"."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, confirm_identity, loaded, log_in_with_password

PHONE = "+15555550164"


def _deny_newest(world: World, app: str) -> None:
    """The app's newest notification denied, as the user does on the phone."""
    note = world.notifications(app)[0]
    world.deny_push(app, note)


def test_a_denied_step_up_push_offers_the_way_back_to_the_account(world: World, page: Any) -> None:
    world.user("iris", phone=PHONE)
    app = world.ibkey("iris", PHONE)
    log_in_with_password(page, world.url, "iris")
    world.approve_push(app, loaded(page.get_by_test_id("push-match")).inner_text())
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("iris")

    page.get_by_test_id("withdraw-amount").fill("300")
    page.get_by_test_id("withdraw-submit").click()
    confirm_identity(page, "iris")
    expect(loaded(page.get_by_test_id("push-match"))).to_be_visible()
    _deny_newest(world, app)
    expect(page.get_by_test_id("push-status")).to_contain_text("denied")
    again = page.get_by_test_id("push-restart")
    expect(again).to_have_text("Back to your account")
    expect(page.get_by_text("Log in again")).to_have_count(0)
    again.click()
    expect(loaded(page.get_by_test_id("account-username"))).to_have_text("iris")  # still logged in


def test_a_denied_login_push_still_offers_to_log_in_again(world: World, page: Any) -> None:
    world.user("jade", phone="+15555550165")
    app = world.ibkey("jade", "+15555550165")
    log_in_with_password(page, world.url, "jade")
    expect(loaded(page.get_by_test_id("push-match"))).to_be_visible()
    _deny_newest(world, app)
    again = page.get_by_test_id("push-restart")
    expect(again).to_have_text("Log in again")
    again.click()
    expect(loaded(page.get_by_test_id("login-form"))).to_be_visible()

"""The login page's "Forgot your password?" (ASVS 5.0 6.4.3): the username, the code texted to the phone,
the card, the new password twice; then the login page says so and the new password logs in. A user with
only a phone is sent to Client Services."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, loaded, save_new_password

NEW = "Violet-Harbour-Lantern-42"
PHONE = "+15555550153"


def _code(world: World) -> str:
    return next(m["code"] for m in world.messages(PHONE) if m["purpose"] == "password_recovery")


def past_the_code(page: Any, world: World, name: str) -> None:
    """ "Forgot your password?" opened at its own address, ``name`` sent, then the code texted to the phone:
    the page at the reset's second factor (or at what the code step answered)."""
    page.goto(world.url + "/recover")
    page.get_by_test_id("recover-username").fill(name)
    page.get_by_test_id("recover-start").click()
    page.get_by_test_id("recover-code").fill(_code(world))
    page.get_by_test_id("recover-code-submit").click()


def test_a_forgotten_password_reset_with_the_phone_and_the_card(world: World, page: Any) -> None:
    world.user("lena", phone=PHONE)
    card_id = str(world.device("lena", "dscplus", pin="2468")["device_id"])
    page.goto(world.url + "/")
    page.get_by_test_id("forgot-password").click()
    page.get_by_test_id("recover-username").fill("lena")
    page.get_by_test_id("recover-start").click()
    page.get_by_test_id("recover-code").fill("000000" if _code(world) != "000000" else "111111")
    page.get_by_test_id("recover-code-submit").click()
    expect(page.get_by_test_id("recover-error")).to_contain_text("not valid")
    expect(page.get_by_test_id("recover-code")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("recover-code").fill(_code(world))
    page.get_by_test_id("recover-code-submit").click()

    challenge = page.get_by_test_id("step-challenge").inner_text()
    page.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    page.get_by_test_id("step-submit").click()
    page.get_by_test_id("recover-new").fill(NEW)
    page.get_by_test_id("recover-confirm").fill(NEW + "x")
    page.get_by_test_id("recover-save").click()
    expect(page.get_by_test_id("recover-error")).to_have_text("The two new passwords do not match.")
    save_new_password(page, NEW)

    old = {"username": "lena", "password": PASSWORD}
    assert requests.post(f"{world.url}/api/v1/auth/login", json=old, timeout=10).status_code == 401
    page.get_by_test_id("login-username").fill("lena")
    page.get_by_test_id("login-password").fill(NEW)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("step-challenge")).to_be_visible()


def test_the_phone_alone_is_sent_to_client_services(world: World, page: Any) -> None:
    world.user("seth", phone=PHONE)
    world.device("seth", "sms")
    past_the_code(page, world, "seth")
    expect(page.get_by_test_id("recover-error")).to_contain_text("Contact IBKR Client Services")
    expect(page.get_by_test_id("recover-username")).to_be_visible()  # over: it starts again


def test_an_ib_key_approval_moves_the_page_on_by_itself(world: World, page: Any) -> None:
    world.user("ines", phone=PHONE)
    app = world.ibkey("ines", PHONE)
    past_the_code(page, world, "ines")
    match = page.get_by_test_id("push-match").inner_text()
    world.approve_push(app, match, purpose="password_recovery")
    expect(page.get_by_test_id("recover-new")).to_be_visible()  # push-wait.js polled /recover/status


def test_a_tab_closed_before_the_new_password_leaves_nothing_to_the_next_tab(
    world: World, context: Any
) -> None:
    """A shared computer: lena passes the code and her card, reloads, goes Back and Forward in her tab (it
    stays at the new password), then closes it; the next person opens "Forgot your password?" in a new tab
    of the same browser and is asked for a username, not offered lena's new password, nor when they open
    her tab's very address from the history."""
    world.user("lena", phone=PHONE)
    card_id = str(world.device("lena", "dscplus", pin="2468")["device_id"])
    tab = context.new_page()
    past_the_code(tab, world, "lena")
    challenge = tab.get_by_test_id("step-challenge").inner_text()
    tab.get_by_test_id("step-response").fill(world.card_response(card_id, "2468", challenge))
    tab.get_by_test_id("step-submit").click()
    loaded(
        tab.get_by_test_id("recover-new")
    )  # recover-hold.js has kept the hold in the tab before the reload
    tab.reload()
    expect(tab.get_by_test_id("recover-new")).to_be_visible()
    tab.go_back()
    expect(tab.get_by_test_id("recover-new")).to_be_visible()  # the tab's recovery as it now stands
    tab.go_forward()
    expect(tab.get_by_test_id("recover-new")).to_be_visible()
    address = tab.url  # the tab's own, in the browser's history
    tab.close()

    nxt = context.new_page()
    nxt.goto(world.url + "/")
    nxt.get_by_test_id("forgot-password").click()
    expect(nxt.get_by_test_id("recover-username")).to_be_visible()
    expect(nxt.get_by_test_id("recover-new")).to_have_count(0)
    expect(nxt.get_by_test_id("recover-error")).to_have_count(0)
    nxt.goto(address)  # from the history, or the address bar's suggestions
    expect(nxt.get_by_test_id("recover-left")).to_be_visible()
    expect(nxt.get_by_test_id("recover-new")).to_be_hidden()

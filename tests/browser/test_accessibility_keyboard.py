"""The whole login flow and the simulators with the keyboard alone, in Chromium: the password form, the
card's power button, PIN and challenge typed on its keypad, the response; IB Key's push approved on the
phone (tabs by arrow keys, PIN, the matching number); the trainer's clock, staged attack and unlock."""

from __future__ import annotations

import re
from typing import Any

import requests
from playwright.sync_api import expect

from .a11y_kit import tab_to
from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World, log_in_with_card

EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")


def type_password(page: Any, url: str, username: str) -> None:
    page.goto(url + "/")
    expect(page.get_by_test_id("login-username")).to_be_focused()  # autofocus: no pointer needed
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")


def test_a_card_login_with_the_keyboard_alone(world: World, context: Any) -> None:
    world.user("carol")
    card_id = world.device("carol", "dscplus", pin="2468")["device_id"]
    login = context.new_page()
    type_password(login, world.url, "carol")
    challenge = login.get_by_test_id("step-challenge").inner_text()

    card = context.new_page()
    card.goto(f"{world.url}/sim/card/{card_id}")
    expect(card.get_by_role("group", name="DSC+ card keypad")).to_have_accessible_description(
        re.compile(r"paste digits, Enter for OK")  # how to use it, read when the card gets the focus
    )
    tab_to(card, card.get_by_test_id("card-power"))
    card.keyboard.press("Enter")
    display = card.get_by_test_id("card-display")
    expect(display).to_have_text("PIN>")
    expect(display).to_have_attribute("aria-live", "polite")  # what the card shows is read out
    card.keyboard.type("2468")  # digits typed while a key has the focus go to the card
    card.keyboard.press("Enter")
    expect(display).to_have_text("CHALLNG>")
    for digit in challenge:  # now the keys themselves: Tab to each, press it with the space bar
        tab_to(card, card.get_by_test_id(f"card-key-{digit}"))
        card.keyboard.press("Space")
    tab_to(card, card.get_by_test_id("card-key-ok"))
    card.keyboard.press("Enter")
    expect(display).to_have_text(EIGHT_DIGITS)
    response = display.inner_text()

    expect(login.get_by_test_id("step-response")).to_be_focused()
    login.keyboard.type(response)
    login.keyboard.press("Enter")
    expect(login.get_by_test_id("account-username")).to_have_text("carol")


def test_a_challenge_pasted_into_the_card_keys_it_in(world: World, context: Any) -> None:
    """WCAG 3.3.8: logging in must not need a code transcribed by hand when the page can take it pasted."""
    world.user("carol")
    card_id = world.device("carol", "dscplus", pin="2468")["device_id"]
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    login = context.new_page()
    type_password(login, world.url, "carol")
    challenge = login.get_by_test_id("step-challenge").inner_text()
    card = context.new_page()
    card.goto(f"{world.url}/sim/card/{card_id}")
    device = card.get_by_test_id("card-device")
    device.focus()
    card.keyboard.press("p")
    card.keyboard.type("2468")
    card.keyboard.press("Enter")
    display = card.get_by_test_id("card-display")
    expect(display).to_have_text("CHALLNG>")
    card.evaluate("(text) => navigator.clipboard.writeText(text)", f" {challenge[:3]} {challenge[3:]} ")
    card.keyboard.press("Control+V")
    card.keyboard.press("Enter")
    expect(display).to_have_text(EIGHT_DIGITS)
    assert display.inner_text() == world.card_response(card_id, "2468", challenge)


def test_the_card_page_takes_keys_typed_before_anything_is_focused(world: World, page: Any) -> None:
    """The page says "type or paste digits, Enter for OK, P for the power button": a trainer who opened it
    on the projector and typed saw nothing happen, as the keys went to the card only once it had the focus
    (a click or a Tab first). With the focus on nothing, the keys are the card's."""
    world.user("wanda")
    card_id = world.device("wanda", "dscplus", pin="1357")["device_id"]
    page.goto(f"{world.url}/sim/card/{card_id}")
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("p")
    display = page.get_by_test_id("card-display")
    expect(display).to_have_text("PIN>")
    page.keyboard.type("1357")
    page.keyboard.press("Enter")
    expect(display).to_have_text("CHALLNG>")
    expect(page.get_by_test_id("card-device")).to_be_focused()  # so the Enter after the challenge is OK
    page.get_by_role("link", name="All simulators").focus()
    page.keyboard.press("Enter")  # a link's own Enter still follows it
    expect(page).to_have_url(world.url + "/sim")


def test_the_console_sign_in_takes_the_token_typed_at_once(world: World, page: Any) -> None:
    """The sign-in's only field had the focus only after a wrong token: a trainer who opened /trainer and
    pasted the token with Ctrl+V pasted it nowhere, and had to click the field first."""
    page.goto(world.url + "/trainer")
    expect(page.get_by_test_id("trainer-token")).to_be_focused()
    page.keyboard.type(world.admin["Authorization"].removeprefix("Bearer "))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("feed-state")).to_have_text("live")


def test_an_ibkey_push_approved_on_the_phone_with_the_keyboard_alone(world: World, context: Any) -> None:
    world.user("gina", phone="+15555550152")
    world.ibkey("gina", "+15555550152", pin="24ab")
    login = context.new_page()
    type_password(login, world.url, "gina")
    match = login.get_by_test_id("push-match").inner_text()

    phone = context.new_page()
    phone.goto(world.url + "/sim/phone/gina")
    tab_to(phone, phone.get_by_test_id("phone-tab-messages"))
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")  # tabs move with the arrow keys, as in any tab list
    expect(phone.get_by_test_id("phone-tab-ibkey")).to_be_focused()
    expect(phone.get_by_test_id("phone-tab-ibkey")).to_have_attribute("aria-selected", "true")
    expect(phone.get_by_test_id("ibkey-notification")).to_have_count(1)
    tab_to(phone, phone.get_by_test_id("ibkey-pin"))
    phone.keyboard.type("24ab")
    first = phone.get_by_test_id("ibkey-notification")
    note = phone.locator(f"[data-note='{first.get_attribute('data-note')}']")  # this one, when two are shown
    expect(note.get_by_role("button", name="Deny: login request for gina")).to_be_visible()
    numbers = note.get_by_role("group", name="Select the number shown on your login screen:")
    button = numbers.get_by_role("button", name=match)
    tab_to(phone, button)
    type_password(context.new_page(), world.url, "gina")  # a second push: the list is drawn anew
    expect(phone.get_by_test_id("ibkey-notification")).to_have_count(2)
    expect(button).to_be_focused()  # the same button of the same notification still has the focus
    phone.keyboard.press("Enter")
    expect(phone.get_by_test_id("ibkey-message")).to_have_text("Approved.")
    expect(phone.get_by_test_id("ibkey-notification")).to_have_count(1)
    heading = phone.get_by_role("heading", name="Notifications")
    expect(heading).to_be_focused()  # the answered notification is gone: not back to the top of the page
    expect(login.get_by_test_id("account-username")).to_have_text("gina")


def test_the_trainer_console_with_the_keyboard_alone(world: World, page: Any) -> None:
    world.user("quinn")
    world.device("quinn", "dscplus", pin="1234")
    sign_in_trainer(page, world)
    tab_to(page, page.get_by_test_id("clock-plus-1m"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("clock-offset")).to_have_text("offset +1 min")
    tab_to(page, page.get_by_test_id("attack-kind"))
    page.keyboard.press("End")  # a closed <select> takes its option from the keys
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")  # the second attack: brute force
    expect(page.get_by_test_id("attack-kind")).to_have_value("brute_force")
    tab_to(page, page.get_by_test_id("attack-run"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("attack-result")).to_contain_text("The defences held.")
    expect(page.get_by_test_id("attack-run")).to_be_focused()  # not dropped to the top of the page
    unlock = page.get_by_role("button", name="Unlock quinn")  # which user's, not "Unlock" alone
    tab_to(page, unlock)
    world.user("zoe")  # an event: the users table is drawn anew under the focus
    expect(page.get_by_test_id("trainer-user-zoe")).to_be_visible()
    expect(unlock).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("trainer-lock-quinn")).to_contain_text("ok")
    expect(page.get_by_role("rowheader", name="quinn")).to_be_focused()  # where the Unlock button was


def test_stay_logged_in_gives_the_focus_back_to_where_it_was(world: World, page: Any) -> None:
    """The logoff warning takes the focus to its button (2.2.1: one key to extend); once answered, the focus
    goes back to the field the user was in, not to the top of the page (2.4.3)."""
    log_in_with_card(page, world, "nina")
    amount = page.get_by_test_id("withdraw-amount")
    tab_to(page, amount)
    page.keyboard.type("25")
    world.advance(14 * 60)
    expect(page.get_by_test_id("stay-logged-in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("logoff-warning")).to_be_hidden()
    expect(amount).to_be_focused()
    expect(amount).to_have_value("25")


def test_the_attacker_s_handset_scrolls_from_the_keyboard_and_says_what_it_holds(
    world: World, page: Any
) -> None:
    """Its texts and calls scroll in a box of their own with nothing in it to focus: the Tab key reaches the
    box itself (not every browser makes a scroller focusable on its own), and a screen reader names it."""
    world.user("sam", phone="+15555550154")
    world.device("sam", "sms")
    swap = {"sim_swapped_to": "attacker"}
    moved = requests.put(f"{world.url}/sim/v1/phones/+15555550154/conditions", json=swap, timeout=10)
    assert moved.status_code == 200, moved.text
    login = {"username": "sam", "password": PASSWORD}
    assert requests.post(world.url + "/api/v1/auth/login", json=login, timeout=10).status_code == 200
    page.goto(world.url + "/sim/phone/sam")
    expect(page.get_by_test_id("attacker-inbox").get_by_test_id("sms-message")).to_have_count(1)
    box = page.get_by_role("region", name="Messages and calls on the attacker's handset")
    expect(box).to_have_attribute("tabindex", "0")
    tab_to(page, box)

"""Logging in through the pages alone, with each factor: the answer comes from the simulated device's page
(the card's keys clicked, the phone's inbox read, the push approved in the app), never from the API."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .pages_kit import World, loaded, log_in_with_password, on_the_card_step_beside_an_app

EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")


def key_in(card: Any, digits: str) -> None:
    for digit in digits:
        card.get_by_test_id(f"card-key-{digit}").click()
    card.get_by_test_id("card-key-ok").click()


def test_dscplus_login_with_the_response_keyed_on_the_simulated_card(world: World, context: Any) -> None:
    world.user("carol")
    card_id = world.device("carol", "dscplus", pin="2468")["device_id"]
    login = context.new_page()
    log_in_with_password(login, world.url, "carol")
    challenge = login.get_by_test_id("step-challenge").inner_text()
    assert re.fullmatch(r"[0-9]{6}", challenge)
    expect(login.get_by_test_id("card-hint")).to_contain_text("PIN>")

    card = context.new_page()
    card.goto(f"{world.url}/sim")
    card.get_by_test_id("sim-open-card-carol").click()
    loaded(card.get_by_test_id("card-power")).click()  # card.js listens: a press went nowhere under load
    expect(card.get_by_test_id("card-display")).to_have_text("PIN>")
    key_in(card, "2468")
    expect(card.get_by_test_id("card-display")).to_have_text("CHALLNG>")
    key_in(card, challenge)
    expect(card.get_by_test_id("card-display")).to_have_text(EIGHT_DIGITS)
    response = card.get_by_test_id("card-display").inner_text()

    login.get_by_test_id("step-response").fill(response)
    login.get_by_test_id("step-submit").click()
    expect(login.get_by_test_id("account-username")).to_have_text("carol")
    assert card_id


def test_a_press_the_network_lost_is_said_so_and_the_next_one_works(world: World, page: Any) -> None:
    """A key press that gets no answer at all (the connection dropped) used to leave a rejected promise in
    the card's queue, which swallowed every later press: the card stayed dark until a reload."""
    world.user("dora")
    card_id = world.device("dora", "dscplus", pin="1357")["device_id"]
    page.goto(f"{world.url}/sim/card/{card_id}")
    dropped: list[str] = []

    def drop_once(route: Any) -> None:
        if dropped:
            route.continue_()
        else:
            dropped.append(route.request.url)
            route.abort("connectionreset")

    page.route("**/keys", drop_once)
    page.get_by_test_id("card-power").click()
    expect(page.get_by_test_id("card-status")).to_contain_text("did not respond")
    assert dropped
    page.get_by_test_id("card-power").click()
    expect(page.get_by_test_id("card-display")).to_have_text("PIN>")
    expect(page.get_by_test_id("card-status")).to_be_empty()


def test_on_a_phone_what_the_card_says_about_a_press_is_in_view(world: World, open_context: Any) -> None:
    """The card's message sat at the end of the procedure, which a phone's width puts below the card: a
    press the network lost was said so out of view. It is under the card now."""
    world.user("dora")
    card_id = world.device("dora", "dscplus", pin="1357")["device_id"]
    phone = open_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(f"{world.url}/sim/card/{card_id}")
    page.route("**/keys", lambda route: route.abort("connectionreset"))
    page.get_by_test_id("card-power").click()
    expect(page.get_by_test_id("card-status")).to_contain_text("did not respond")
    expect(page.get_by_test_id("card-status")).to_be_in_viewport()
    expect(page.get_by_test_id("card-key-ok")).to_be_in_viewport()


def test_the_card_locks_after_three_wrong_pins(world: World, page: Any) -> None:
    world.user("dora")
    card_id = world.device("dora", "dscplus", pin="1357")["device_id"]
    page.goto(f"{world.url}/sim/card/{card_id}")
    page.get_by_test_id("card-power").click()
    for left in ("PIN ERR 2", "PIN ERR 1"):
        key_in(page, "0000")
        expect(page.get_by_test_id("card-display")).to_have_text(left)
        page.get_by_test_id("card-key-c").click()  # any key acknowledges the error
        expect(page.get_by_test_id("card-display")).to_have_text("PIN>")
    key_in(page, "0000")
    expect(page.get_by_test_id("card-display")).to_have_text("LOCKED")
    expect(page.get_by_test_id("card-status")).to_contain_text("locked")
    page.get_by_test_id("card-power").click()
    page.get_by_test_id("card-power").click()
    expect(page.get_by_test_id("card-display")).to_have_text("LOCKED")


def test_sms_login_with_the_code_read_on_the_simulated_phone(world: World, context: Any) -> None:
    world.user("erin", phone="+15555550142")
    world.device("erin", "sms")
    login = context.new_page()
    log_in_with_password(login, world.url, "erin")
    expect(login.get_by_test_id("sms-sent-to")).to_contain_text("+1•••••••0142")

    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/erin")
    first = phone.get_by_test_id("sms-code").first
    expect(first).to_have_text(re.compile(r"^[0-9]{6}$"))
    stale = first.inner_text()

    login.get_by_test_id("resend-toggle").click()  # "Didn't receive a security code?" -> a new SMS
    login.get_by_test_id("resend-sms").click()
    expect(login.get_by_test_id("step-notice")).to_contain_text("new security code")
    expect(phone.get_by_test_id("sms-code")).to_have_count(2)
    code = phone.get_by_test_id("sms-code").first.inner_text()

    login.get_by_test_id("step-response").fill(stale)  # the old code died with the new one
    login.get_by_test_id("step-submit").click()
    expect(login.get_by_test_id("step-error")).to_contain_text("not valid")
    login.get_by_test_id("step-response").fill(code)
    login.get_by_test_id("step-submit").click()
    expect(login.get_by_test_id("account-username")).to_have_text("erin")


def test_voice_callback_reads_the_code_on_the_phone(world: World, context: Any) -> None:
    world.user("fred", phone="+15555550143")
    world.device("fred", "sms")
    login = context.new_page()
    log_in_with_password(login, world.url, "fred")
    login.get_by_test_id("resend-toggle").click()
    login.get_by_test_id("resend-voice").click()
    expect(login.get_by_test_id("sms-sent-to")).to_contain_text("call")

    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/fred")
    phone.get_by_test_id("phone-tab-calls").click()
    transcript = phone.get_by_test_id("call-transcript").first
    expect(transcript).to_contain_text("Your code is")
    words = re.search(r"Your code is: ([a-z, ]+)\.", transcript.inner_text())
    assert words
    digits = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    code = "".join(str(digits.index(w.strip())) for w in words.group(1).split(","))
    login.get_by_test_id("step-response").fill(code)
    login.get_by_test_id("step-submit").click()
    expect(login.get_by_test_id("account-username")).to_have_text("fred")


def test_ibkey_push_approved_in_the_simulated_app_moves_the_login_on(world: World, context: Any) -> None:
    world.user("gina", phone="+15555550144")
    world.ibkey("gina", "+15555550144", pin="24ab")
    login = context.new_page()
    log_in_with_password(login, world.url, "gina")
    match = login.get_by_test_id("push-match").inner_text()
    expect(login.get_by_test_id("push-status")).to_contain_text("Waiting")

    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/gina")
    phone.get_by_test_id("phone-tab-ibkey").click()
    expect(phone.get_by_test_id("ibkey-notification")).to_have_count(1)
    phone.get_by_test_id("ibkey-pin").fill("24ab")
    phone.get_by_test_id(f"ibkey-match-{match}").click()
    expect(login.get_by_test_id("account-username")).to_have_text("gina")  # no click on the login page


def test_a_wrong_number_picked_in_the_app_is_said_as_such_on_the_phone_and_the_login_page(
    world: World, context: Any
) -> None:
    """Number matching, as a trainer shows it: a wrong pick ends the login. The phone said "The security code
    you entered is not valid" (the login page's words for a typed code) and the login page "The notification
    has expired"; each now says what happened."""
    world.user("hana", phone="+15555550145")
    world.ibkey("hana", "+15555550145", pin="24ab")
    login = context.new_page()
    log_in_with_password(login, world.url, "hana")
    match = login.get_by_test_id("push-match").inner_text()
    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/hana")
    phone.get_by_test_id("phone-tab-ibkey").click()
    wrong = phone.locator(f"[data-match]:not([data-match='{match}'])").first
    phone.get_by_test_id("ibkey-pin").fill("24ab")
    wrong.click()
    said = phone.get_by_test_id("ibkey-message")
    expect(said).to_contain_text("The number picked is not the one the login shows")
    expect(said).not_to_contain_text("security code")
    status = login.get_by_test_id("push-status")
    expect(status).to_have_text(
        "The number selected on your phone was not this one, so this login has ended. Please log in again."
    )
    expect(login.get_by_test_id("push-restart")).to_be_visible()


def test_a_push_denied_in_the_app_takes_the_live_prompt_off_the_login_page(
    world: World, context: Any
) -> None:
    """Once the login has ended the page kept "Check your phone", the pulsing phone, the number and the
    Challenge/Response offer (which only led back to the login form). They go; why, and "Log in again",
    stay, and a keyboard user on the offer is taken to "Log in again", not to the top of the page."""
    world.user("hedy", phone="+15555550148")
    world.ibkey("hedy", "+15555550148", pin="24ab")
    login = context.new_page()
    log_in_with_password(login, world.url, "hedy")
    expect(login.get_by_test_id("push-match")).to_be_visible()
    login.get_by_test_id("push-use-challenge").focus()
    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/hedy")
    phone.get_by_test_id("phone-tab-ibkey").click()
    phone.get_by_test_id("ibkey-pin").fill("24ab")
    phone.get_by_test_id("ibkey-deny").click()
    expect(login.get_by_test_id("push-status")).to_contain_text("denied")
    again = login.get_by_test_id("push-restart")
    expect(again).to_be_focused()
    for gone in ("push-title", "push-match", "push-use-challenge"):
        expect(login.get_by_test_id(gone)).to_be_hidden()
    expect(login.locator(".push-phone")).to_be_hidden()


def test_ibkey_challenge_response_instead_of_the_push(world: World, context: Any) -> None:
    world.user("hugo", phone="+15555550145")
    world.ibkey("hugo", "+15555550145", pin="9z9z")
    login = context.new_page()
    log_in_with_password(login, world.url, "hugo")
    login.get_by_test_id("push-use-challenge").click()
    challenge = login.get_by_test_id("step-challenge").inner_text()

    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/hugo")
    phone.get_by_test_id("phone-tab-ibkey").click()
    phone.get_by_test_id("ibkey-generate-toggle").click()
    phone.get_by_test_id("ibkey-respond-pin").fill("9z9z")  # Android: the PIN on the challenge's screen
    phone.get_by_test_id("ibkey-challenge").fill(challenge)
    phone.get_by_test_id("ibkey-generate").click()
    expect(phone.get_by_test_id("ibkey-response")).to_have_text(EIGHT_DIGITS)
    login.get_by_test_id("step-response").fill(phone.get_by_test_id("ibkey-response").inner_text())
    login.get_by_test_id("step-submit").click()
    expect(login.get_by_test_id("account-username")).to_have_text("hugo")


def test_several_devices_ask_which_first_then_the_authenticator_app(world: World, context: Any) -> None:
    world.user("iris", phone="+15555550146")
    world.device("iris", "dscplus", pin="1111")
    world.device("iris", "totp")
    login = context.new_page()
    log_in_with_password(login, world.url, "iris")
    expect(login.get_by_role("heading", name="Select Second Factor Device")).to_be_visible()
    login.get_by_test_id("factor-option-totp").check()
    login.get_by_test_id("factor-select-submit").click()

    phone = context.new_page()
    phone.goto(f"{world.url}/sim/phone/iris")
    phone.get_by_test_id("phone-tab-totp").click()
    expect(phone.get_by_test_id("totp-code")).to_have_text(re.compile(r"^[0-9]{6}$"))
    login.get_by_test_id("step-response").fill(phone.get_by_test_id("totp-code").inner_text())
    login.get_by_test_id("step-submit").click()
    expect(login.get_by_test_id("account-username")).to_have_text("iris")


def test_the_first_code_texted_after_choosing_sms_is_not_called_new(world: World, page: Any) -> None:
    """Choosing SMS on Select Second Factor Device said "A new security code was sent by SMS." above the
    prompt's own "A security code was sent to ...", though no code had been sent before. "New" is for a
    resend only."""
    world.user("ines", phone="+15555550149")
    world.device("ines", "sms")
    world.device("ines", "dscplus", pin="2468")
    log_in_with_password(page, world.url, "ines")
    page.get_by_test_id("factor-option-sms").check()
    page.get_by_test_id("factor-select-submit").click()
    expect(page.get_by_test_id("sms-sent-to")).to_contain_text("+1•••••••0149")
    expect(page.get_by_test_id("step-notice")).to_have_count(0)
    page.get_by_test_id("resend-toggle").click()
    page.get_by_test_id("resend-sms").click()
    expect(page.get_by_test_id("step-notice")).to_have_text("A new security code was sent by SMS.")


def test_temporary_passcode_with_letters_is_accepted_by_the_page(world: World, page: Any) -> None:
    """The passcode is letters and digits (``factors/temporary.py``): the field must let the browser send it.
    Typed in lower case, as a user reading it off a phone call may: the server compares it case-blind."""
    world.user("tess")
    passcode = str(world.device("tess", "temporary", days=3)["passcode"])
    log_in_with_password(page, world.url, "tess")
    expect(page.get_by_test_id("login-step")).to_have_attribute("data-factor", "temporary")
    page.get_by_test_id("step-response").fill(passcode.lower())
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("account-username")).to_have_text("tess")


def test_use_another_device_opens_the_list_of_devices(world: World, page: Any) -> None:
    on_the_card_step_beside_an_app(page, world, "mia", "+15555550147")
    page.get_by_test_id("step-other-devices").click()
    page.get_by_test_id("switch-totp").click()  # waits for it to be visible: the list opened
    expect(page.get_by_test_id("login-step")).to_have_attribute("data-factor", "totp")

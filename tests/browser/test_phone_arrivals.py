"""The phone buzzes: a text, a call or an IBKR Mobile notification arriving makes its handset shake for a
moment (a trainer's audience sees it from the back of the room), or, where the viewer asked for reduced
motion, light up without moving. Opening the page buzzes for nothing already there. And what arrives does
not take a keyboard user's focus away."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from sls_server.sim import speech

from .a11y_kit import tab_to
from .pages_kit import PASSWORD, World

NUMBER = "+15555550191"


def _open_phone(world: World, page: Any) -> Any:
    world.user("bea", phone=NUMBER)
    world.device("bea", "sms")  # its enrolment notice is already in the inbox
    page.goto(f"{world.url}/sim/phone/bea")
    victim = page.get_by_test_id("phone-victim")
    expect(victim.locator("[data-field=number]")).to_have_text(NUMBER)  # the first poll is drawn
    return victim


def _animation(handset: Any) -> str:
    """The animation the buzz runs here (the class is added by hand: the real one lasts a fraction of a
    second, too short to read its style reliably while it runs)."""
    return str(
        handset.evaluate(
            "el => { el.classList.add('buzz'); const a = getComputedStyle(el).animationName; "
            "el.classList.remove('buzz'); return a; }"
        )
    )


def test_a_text_arriving_buzzes_the_handset_once(world: World, page: Any) -> None:
    victim = _open_phone(world, page)
    expect(victim.locator("[data-testid=sms-message]")).to_have_count(1)
    assert victim.get_attribute("data-buzzes") is None, "what was there before the page opened is no news"
    started = requests.post(
        world.url + "/api/v1/auth/login", json={"username": "bea", "password": PASSWORD}, timeout=10
    )
    assert started.status_code == 200, started.text
    expect(victim).to_have_attribute("data-buzzes", "1")
    expect(victim).not_to_have_class("phone buzz")  # it stops by itself: nothing else takes the class
    assert _animation(victim) == "phone-buzz"


def test_with_reduced_motion_the_frame_lights_up_instead_of_shaking(world: World, page: Any) -> None:
    page.emulate_media(reduced_motion="reduce")
    victim = _open_phone(world, page)
    assert _animation(victim) == "phone-glow"


def test_a_keyboard_users_focus_on_play_survives_a_new_call(world: World, page: Any) -> None:
    """A call arriving redraws the call log: the focus on a call's Play button fell to the top of the page."""
    if not speech.available():
        pytest.skip("espeak-ng not installed: calls have no Play button")
    world.user("vera", phone="+15555550192")
    world.device("vera", "voice")

    def call_in() -> None:
        body = {"username": "vera", "password": PASSWORD}
        assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200

    call_in()
    page.goto(f"{world.url}/sim/phone/vera")
    page.get_by_test_id("phone-tab-calls").click()
    play = page.get_by_test_id("call-play")
    expect(play).to_have_count(1)
    play.focus()
    call_in()
    expect(play).to_have_count(2)  # the new call on top, drawn by the next poll
    expect(play.nth(1)).to_be_focused()


def test_each_call_s_play_button_says_which_call_it_plays(world: World, page: Any) -> None:
    if not speech.available():
        pytest.skip("espeak-ng not installed: calls have no Play button")
    world.user("vera", phone="+15555550192")
    world.device("vera", "voice")
    body = {"username": "vera", "password": PASSWORD}
    for _ in range(2):
        assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
        world.advance(60)  # the calls a minute apart, as the server's clock has them
    page.goto(f"{world.url}/sim/phone/vera")
    page.get_by_test_id("phone-tab-calls").click()
    play = page.get_by_role("button", name=re.compile(r"^Play the call of \d\d:\d\d:\d\d UTC$"))
    expect(play).to_have_count(2)
    names = {button.get_attribute("aria-label") for button in play.all()}
    assert len(names) == 2, names


def test_a_phone_that_needs_a_restart_gets_no_text_until_restarted_from_its_page(
    world: World, page: Any
) -> None:
    """The broker's "I am not receiving text messages", step 2: restart the phone."""
    world.user("rhea", phone="+15555550152")
    world.device("rhea", "sms")
    page.goto(world.url + "/sim/phone/rhea")
    page.get_by_test_id("cond-needs-restart").check()
    expect(page.get_by_test_id("cond-summary")).to_contain_text("the phone needs a restart")
    body = {"username": "rhea", "password": PASSWORD}
    inbox = page.get_by_test_id("phone-inbox").locator("li")
    expect(inbox).to_have_count(1)  # the notice of the new SMS device, from before
    assert requests.post(f"{world.url}/api/v1/auth/login", json=body, timeout=10).status_code == 200
    assert [m["purpose"] for m in world.messages("+15555550152")] == ["notice"]  # the code was lost
    page.get_by_test_id("phone-restart").click()
    expect(page.get_by_test_id("phone-announcer")).to_contain_text("The phone restarted")
    expect(page.get_by_test_id("cond-needs-restart")).not_to_be_checked()
    expect(page.get_by_test_id("cond-summary")).to_have_text("Normal network.")
    assert requests.post(f"{world.url}/api/v1/auth/login", json=body, timeout=10).status_code == 200
    expect(inbox).to_have_count(2)  # the new code comes through


def test_abroad_the_page_loses_the_texts_it_was_told_to(world: World, page: Any) -> None:
    """The broker's "roaming ... you might not receive all messages", set on the phone page: the loss can be
    chosen only while roaming, and leaving roaming drops it."""
    world.user("rio", phone="+15555550153")
    world.device("rio", "sms")
    page.goto(world.url + "/sim/phone/rio")
    loss = page.get_by_test_id("cond-roaming-loss")
    expect(loss).to_be_disabled()
    page.get_by_test_id("cond-roaming").check()
    expect(page.get_by_test_id("cond-summary")).to_contain_text("roaming")
    expect(loss).to_be_enabled()
    loss.select_option("1")
    expect(page.get_by_test_id("cond-summary")).to_contain_text("every text is lost abroad")
    body = {"username": "rio", "password": PASSWORD}
    assert requests.post(f"{world.url}/api/v1/auth/login", json=body, timeout=10).status_code == 200
    assert [m["purpose"] for m in world.messages("+15555550153")] == ["notice"]  # the code was lost
    page.get_by_test_id("cond-roaming").uncheck()
    expect(page.get_by_test_id("cond-summary")).to_have_text("Normal network.")
    expect(loss).to_be_disabled()
    expect(loss).to_have_value("0")
    assert requests.post(f"{world.url}/api/v1/auth/login", json=body, timeout=10).status_code == 200
    assert [m["purpose"] for m in world.messages("+15555550153")] == ["login", "notice"]


def test_the_network_conditions_keep_the_keyboard_focus_on_the_control_changed(
    world: World, page: Any
) -> None:
    """Each change was saved, then the page blurred the control, so the next poll could redraw the form:
    a keyboard user was thrown to the top of the page after every Space or arrow key. The focus stays now,
    and the form still shows what the server made of the change (the loss undone with roaming)."""
    world.user("rob", phone="+15555550154")
    world.device("rob", "sms")
    page.goto(world.url + "/sim/phone/rob")
    summary = page.get_by_test_id("cond-summary")
    expect(summary).to_have_text("Normal network.")
    roaming, loss, delay = (page.get_by_test_id(f"cond-{n}") for n in ("roaming", "roaming-loss", "delay"))

    tab_to(page, roaming)
    page.keyboard.press("Space")
    expect(summary).to_contain_text("roaming: IB Key falls back")
    expect(roaming).to_be_focused()

    tab_to(page, loss)
    page.keyboard.press("ArrowDown")
    expect(summary).to_contain_text("one text in 3 is lost abroad")
    expect(loss).to_be_focused()

    tab_to(page, delay)
    page.keyboard.press("ArrowDown")
    expect(summary).to_contain_text("texts arrive 30 s late")
    expect(delay).to_be_focused()

    tab_to(page, roaming)
    page.keyboard.press("Space")
    expect(summary).to_have_text("Now: texts arrive 30 s late.")
    expect(roaming).to_be_focused()
    expect(loss).to_have_value("0")  # what the server kept, drawn though the focus is in the form
    expect(loss).to_be_disabled()


def test_a_playing_call_s_button_says_stop_and_stops_it(world: World, page: Any) -> None:
    """Play showed nothing while the call played (on a projector with the sound off, nothing at all), so a
    trainer pressed it again and two voices read the code over each other: it now says Stop while it plays."""
    if not speech.available():
        pytest.skip("espeak-ng not installed: calls have no Play button")
    world.user("vera", phone="+15555550192")
    world.device("vera", "voice")
    body = {"username": "vera", "password": PASSWORD}
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
    page.goto(f"{world.url}/sim/phone/vera")
    page.get_by_test_id("phone-tab-calls").click()
    play = page.get_by_test_id("call-play")
    expect(play).to_have_text("▶ Play")
    play.click()
    expect(play).to_have_text("■ Stop")
    expect(play).to_have_attribute("aria-label", re.compile(r"^Stop the call of \d\d:\d\d:\d\d UTC$"))
    play.click()
    expect(play).to_have_text("▶ Play")
    expect(play).to_have_attribute("aria-label", re.compile(r"^Play the call of "))


def test_a_call_arriving_over_the_texts_shows_the_handset_s_banner(world: World, page: Any) -> None:
    """A voice callback arriving while the room watches the texts showed only as a count on the Calls tab:
    the code being read out went unseen. The handset shows an incoming call over the open app, as it does
    an IBKR Mobile notification, and tapping it opens the call log; a call there before the page opened is
    no news and shows none."""
    world.user("vera", phone="+15555550193")
    world.device("vera", "voice")
    body = {"username": "vera", "password": PASSWORD}
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
    page.goto(f"{world.url}/sim/phone/vera")
    expect(page.get_by_test_id("phone-victim").locator("[data-count=calls]")).to_have_text("1")
    banner = page.get_by_test_id("phone-call-banner")
    expect(banner).to_be_hidden()
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Incoming call · IBKR voice callback")
    banner.click()
    expect(page.get_by_test_id("phone-tab-calls")).to_have_attribute("aria-selected", "true")
    expect(banner).to_be_hidden()
    expect(page.get_by_test_id("call-transcript")).to_have_count(2)

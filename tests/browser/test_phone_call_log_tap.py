"""A tap on a call's Play in the phone's call log is not lost when the next call arrives meanwhile.

The call log lists the newest call first: a call arriving as the viewer tapped an older call's Play went in
above it and pushed that Play down from under the finger, so the release landed on the call below it (or
on nothing) and the wrong call played, or none. While a press is held in a list, what would go above the
pressed entry now waits for the release (SLS.keyed, common.js); the list is drawn with it then."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from sls_server.sim import speech

from .pages_kit import PASSWORD, World
from .press_kit import press, under

NUMBER = "+15555550193"


def _call_in(world: World, name: str) -> None:
    """A login of `name` with the password: their voice callback calls their phone."""
    body = {"username": name, "password": PASSWORD}
    assert requests.post(world.url + "/api/v1/auth/login", json=body, timeout=10).status_code == 200


def test_play_pressed_as_a_new_call_arrives_plays_the_call_pressed(world: World, page: Any) -> None:
    if not speech.available():
        pytest.skip("espeak-ng not installed: calls have no Play button")
    world.user("vera", phone=NUMBER)
    world.device("vera", "voice")
    _call_in(world, "vera")
    page.goto(f"{world.url}/sim/phone/vera")
    page.get_by_test_id("phone-tab-calls").click()
    plays = page.get_by_test_id("phone-calls").get_by_test_id("call-play")
    expect(plays).to_have_count(1)
    older = plays.first.get_attribute("data-focus-key")
    play = page.locator(f"[data-testid=phone-calls] [data-focus-key='{older}']")
    finger = press(page, play)
    world.advance(60)  # the new call a minute later, as the server's clock has it
    _call_in(world, "vera")
    expect(page.get_by_test_id("phone-victim").locator("[data-count=calls]")).to_have_text("2")  # drawn
    assert under(play, finger), "the Play pressed stays under the finger"
    expect(plays).to_have_count(1)  # the new call waits for the release: it would go above
    page.mouse.up()
    expect(plays).to_have_count(2)  # drawn after the release, on top
    expect(play).to_have_text("■ Stop")  # the call pressed is the one that plays
    expect(plays.first).to_have_text("▶ Play")
    assert plays.first.get_attribute("data-focus-key") != older

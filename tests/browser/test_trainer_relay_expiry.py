"""The attacker's screen of a phishing relay when the relay's push ends with nobody's answer: the screen,
on the projector beside the console, said "Waiting for ivy to pick 17 on their phone." until a reload, while
the console's verdict had turned to "The defences held.". It read the screen again only on an event of the
victim or of an attacker's address: a move of the clock is neither, and a push's lifetime lapsing is no event
at all."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .console_kit import attack_waiting, sign_in_trainer
from .pages_kit import PASSWORD, World


def _relay_waiting(world: World, page: Any, context: Any) -> Any:
    """A relay on ivy staged from the console, its push waiting on her phone; the attacker's screen open."""
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    return context.new_page()


def test_the_clock_moved_past_the_push_s_life_ends_the_wait_on_the_attacker_s_screen(
    world: World, page: Any, context: Any
) -> None:
    screen = _relay_waiting(world, page, context)
    screen.goto(world.url + "/trainer/attacks/relay")
    expect(screen.get_by_test_id("relay-feed-state")).to_have_text("live")
    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "waiting")

    page.get_by_test_id("clock-plus-15m").click()  # the trainer moves on: the push is past its life
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-number")).to_contain_text("The number the victim had to pick: ")
    # the screen follows the clock's event, as the console does: no reload
    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "stopped")
    expect(screen.get_by_test_id("relay-outcome")).to_contain_text("expired unanswered")
    expect(screen.get_by_test_id("relay-number")).to_have_count(0)


def test_a_push_s_life_lapsing_with_no_event_ends_the_wait_on_the_attacker_s_screen(
    world: World, page: Any, context: Any
) -> None:
    """Nothing tells of a push's lifetime lapsing: while a relay waits, the screen reads itself again. The
    feed is cut here so that no event can be what redraws it; the page's timers are the test's to run."""
    screen = _relay_waiting(world, page, context)
    screen.route("**/trainer/events", lambda route: route.abort())
    screen.clock.install()
    screen.goto(world.url + "/trainer/attacks/relay")
    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "waiting")

    world.advance(600)  # the server's clock past the push's life; its event never reaches the screen
    screen.clock.run_for(6_000)
    expect(screen.get_by_test_id("relay-outcome")).to_have_attribute("data-state", "stopped")
    expect(screen.get_by_test_id("relay-announcer")).to_contain_text("expired unanswered")


def test_a_screen_with_nothing_waiting_asks_nothing_between_events(
    world: World, page: Any, context: Any
) -> None:
    """The re-reading is only while a relay waits: a screen with no relay (or one that is over) left on the
    projector reads nothing on a timer."""
    sign_in_trainer(page, world)
    screen = context.new_page()
    reads: list[str] = []
    screen.on("request", lambda r: reads.append(r.url) if "/trainer/attacks/relay/screen" in r.url else None)
    screen.clock.install()
    screen.goto(world.url + "/trainer/attacks/relay")
    expect(screen.get_by_test_id("relay-none")).to_be_visible()
    screen.clock.run_for(60_000)
    assert reads == []

"""The console's device card with a user's wrong-response strikes on an enabled card: a step that ended
between its two writes left carl's at the limit on his card at no count, refusing his right answers (423
``device_locked``), and the card showed nothing wrong and no button (Unlock only on a disabled device)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.config import Settings
from sls_server.store import connect, keys

from .a11y_kit import contrast_failures, small_targets, unnamed_controls
from .pages_kit import World, log_in_over_the_api, sign_in_trainer


def test_a_users_strikes_on_an_enabled_card_are_shown_and_forgotten_from_the_console(
    world: World, page: Any, redis_url: str
) -> None:
    world.user("carl")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    # Only raw keys make this state here: the server is another process, whose step cannot be ended between
    # its writes from the test (tests/api/test_device_strikes_view.py makes it through the login's scripts).
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes("carl"), card, Settings.device_failure_limit)
    finally:
        strikes.close()
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-carl").click()
    said = page.get_by_test_id(f"trainer-device-strikes-carl-{card}")
    limit = Settings.device_failure_limit
    expect(said).to_have_text(f"carl: {limit} wrong responses counted against them")
    expect(page.get_by_test_id(f"trainer-device-carl-{card}")).not_to_contain_text("disabled")
    forget = page.get_by_test_id(f"trainer-device-unlock-carl-{card}")
    expect(forget).to_have_text("Forget strikes")
    assert (contrast_failures(page), small_targets(page), unnamed_controls(page)) == ([], [], [])
    forget.click()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text(
        f"{card}: wrong-response strikes forgotten for carl; they may use it again."
    )
    expect(said).to_have_count(0)
    expect(forget).to_have_count(0)
    unlocked = page.locator("[data-testid=feed-event][data-type='device.unlocked']")
    expect(unlocked.get_by_test_id("feed-said")).to_contain_text("wrong-response strikes forgotten for carl")
    assert log_in_over_the_api(world, "carl", card, "1234")

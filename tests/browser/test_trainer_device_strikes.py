"""The console's device card with a user's wrong-response strikes on an enabled card: a step that ended
between its two writes left carl's at the limit on his card at no count, refusing his right answers (423
``device_locked``), and the card showed nothing wrong and no button (Unlock only on a disabled device)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.config import Settings
from sls_server.store import connect, keys

from .a11y_kit import contrast_failures, small_targets, unnamed_controls
from .console_kit import sign_in_trainer
from .pages_kit import World, log_in_over_the_api


def _strike(redis_url: str, user: str, card: str, count: int) -> None:
    """``count`` strikes of ``user`` on ``card``. Only raw keys make this state here: the server is another
    process, whose step cannot be ended between its writes from the test
    (tests/api/test_device_strikes_view.py makes it through the login's scripts)."""
    strikes = connect(redis_url)
    try:
        strikes.hset(keys.user_device_strikes(user), card, count)
    finally:
        strikes.close()


def test_a_users_strikes_on_an_enabled_card_are_shown_and_forgotten_from_the_console(
    world: World, page: Any, redis_url: str
) -> None:
    world.user("carl")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    _strike(redis_url, "carl", card, Settings.device_failure_limit)
    sign_in_trainer(page, world)
    # the row says it before Manage is opened: it said "ok" while his right answers were refused
    tagged = page.get_by_test_id(f"trainer-strikes-carl-{card}")
    expect(tagged).to_have_text("refused by strikes on Digital Security Card+")
    expect(page.get_by_test_id("trainer-lock-carl")).to_contain_text("ok")
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
    expect(tagged).to_have_count(0)
    unlocked = page.locator("[data-testid=feed-event][data-type='device.unlocked']")
    expect(unlocked.get_by_test_id("feed-said")).to_contain_text("wrong-response strikes forgotten for carl")
    assert log_in_over_the_api(world, "carl", card, "1234")


def test_a_user_s_strikes_below_the_limit_are_counted_in_their_row_at_1280_px(
    world: World, page: Any, redis_url: str
) -> None:
    """Two wrong responses of ten: the row counts them (amber) beside "ok", and the table stays within its
    card, Manage in sight, with a user of four authenticators beside."""
    world.user("carl")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    world.user("mia", phone="+15555550172")
    for kind in ("dscplus", "sms", "totp", "temporary"):
        world.device("mia", kind, **({"pin": "2468"} if kind == "dscplus" else {}))
    _strike(redis_url, "carl", card, 2)
    sign_in_trainer(page, world)
    limit = Settings.device_failure_limit
    tagged = page.get_by_test_id(f"trainer-strikes-carl-{card}")
    expect(tagged).to_have_text(f"wrong responses: 2 of {limit} on Digital Security Card+")
    expect(page.get_by_test_id("trainer-lock-carl")).to_contain_text("ok")
    wide, shown = page.locator("[data-users]").evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert wide <= shown, f"the users table is {wide} px wide in a {shown} px card: a sideways scroll"
    for button in ("trainer-manage-carl", "trainer-manage-mia"):
        expect(page.get_by_test_id(button)).to_be_in_viewport(ratio=1)
    assert (contrast_failures(page), small_targets(page), unnamed_controls(page)) == ([], [], [])
    page.get_by_test_id("trainer-manage-carl").click()
    page.get_by_test_id(f"trainer-device-unlock-carl-{card}").click()
    expect(tagged).to_have_count(0)

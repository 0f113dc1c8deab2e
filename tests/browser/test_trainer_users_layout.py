"""The console's Users table at 1280 px, as a trainer sees it right after an attack: a user whose account and
card are both locked, beside a user with four authenticators. The table used to grow wider than its card
(the Account cell kept "locked 1 min 56 s" and "card locked" on one line, a locked card's chip never wrapped),
so Unlock and Manage sat out of sight behind a sideways scroll, just when the trainer needed them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, admin_get
from .test_trainer_console import sign_in


def test_a_locked_account_and_card_keep_unlock_and_manage_in_sight(world: World, page: Any) -> None:
    world.user("carl", phone="+15555550171")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    world.user("mia", phone="+15555550172")
    for kind in ("dscplus", "sms", "totp", "temporary"):
        world.device("mia", kind, **({"pin": "2468"} if kind == "dscplus" else {}))
    for _ in range(3):  # three wrong PINs lock the card itself
        wrong = {"pin": "0000", "challenge": "123456"}
        requests.post(f"{world.url}/sim/v1/dscplus/{card}/respond", json=wrong, timeout=10)
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "carl"})
    sign_in(page, world)
    expect(page.get_by_test_id("trainer-card-locked-carl")).to_be_visible()
    expect(page.get_by_test_id("trainer-lock-carl")).to_contain_text("locked")
    wrap = page.locator("[data-users]")
    wide, shown = wrap.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert wide <= shown, f"the users table is {wide} px wide in a {shown} px card: a sideways scroll"
    for button in ("trainer-unlock-carl", "trainer-manage-carl", "trainer-manage-mia"):
        expect(page.get_by_test_id(button)).to_be_in_viewport(ratio=1)


@pytest.mark.parametrize("window", [(1024, 768), (1152, 864)], ids=["projector-1024", "projector-1152"])
def test_at_a_projectors_width_the_users_table_fits_beside_the_feed(
    world: World, open_context: Callable[..., Any], window: tuple[int, int]
) -> None:
    """A projector's 1024 x 768 (and 1152 x 864) keeps the console in two columns, the feed beside the users;
    the table's narrowest was wider than what the feed left it, so Manage (and the panel it opens) sat out of
    sight behind a sideways scroll: a trainer on stage saw no way to manage a user. Here a locked account and
    card, a swapped SIM with a live session and a user of four authenticators, as after a round of attacks."""
    world.user("carl", phone="+15555550173")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    world.user("mia", phone="+15555550174")
    for kind in ("dscplus", "sms", "totp", "temporary"):
        world.device("mia", kind, **({"pin": "2468"} if kind == "dscplus" else {}))
    world.user("sam", phone="+15555550175")
    world.device("sam", "sms")
    for _ in range(3):
        wrong = {"pin": "0000", "challenge": "123456"}
        requests.post(f"{world.url}/sim/v1/dscplus/{card}/respond", json=wrong, timeout=10)
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "carl"})
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    width, height = window
    page = open_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, world)
    expect(page.get_by_test_id("trainer-sim-swapped-sam")).to_be_visible()
    expect(page.get_by_test_id("event-feed")).to_be_visible()
    buttons = ("trainer-unlock-carl", "trainer-manage-carl", "trainer-manage-mia", "trainer-manage-sam")
    for button in buttons:
        expect(page.get_by_test_id(button)).to_be_visible()
    # measured in one step of the page: the live feed redraws the users table (new buttons in place of the
    # old), and measures taken one call apart could fall on both sides of a redraw
    wrap = page.locator("[data-users]")
    measured = wrap.evaluate(
        """(el, ids) => ({
            wide: el.scrollWidth, shown: el.clientWidth, right: el.getBoundingClientRect().right,
            feedLeft: document.querySelector("[data-testid=event-feed]").getBoundingClientRect().left,
            buttons: Object.fromEntries(ids.map((id) => {
                const b = document.querySelector(`[data-testid=${id}]`);
                return [id, b ? b.getBoundingClientRect().right : null];
            })),
        })""",
        list(buttons),
    )
    wide, shown, users_right = measured["wide"], measured["shown"], measured["right"]
    assert wide <= shown, (
        f"the users table is {wide} px wide in a {shown} px card at {width} px: a sideways scroll"
    )
    assert users_right <= measured["feedLeft"], "the feed is to stay beside the users table, not below it"
    for button, right in measured["buttons"].items():
        assert right is not None and right <= users_right, button
    page.get_by_test_id("trainer-manage-sam").click()
    expect(page.get_by_test_id("trainer-end-sessions-sam")).to_be_visible()
    # one step of the page again (a redraw keeps the panel open, with new elements in it)
    end_left, wrap_left = wrap.evaluate(
        """(el) => [
            document.querySelector("[data-testid=trainer-end-sessions-sam]").getBoundingClientRect().left,
            el.getBoundingClientRect().left,
        ]"""
    )
    assert end_left >= wrap_left, "the panel is cut at the left"


def test_on_a_phone_unlock_and_manage_stay_in_sight_while_the_table_scrolls(
    world: World, open_context: Callable[..., Any]
) -> None:
    """At a phone's 390 px the users table scrolls sideways in its card (WCAG's reflow allows a table that),
    and its last column, Unlock and Manage, sat behind that scroll: a trainer running the demo from a phone
    saw a locked user and no Unlock. The buttons keep to the card's right edge as the table scrolls."""
    world.user("carl", phone="+15555550176")
    world.device("carl", "dscplus", pin="1234")
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "carl"})
    page = open_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, world)
    expect(page.get_by_test_id("trainer-unlock-carl")).to_have_count(1)  # the lock drawn
    # scrolled in one step of the page: the feed's redraws replace the row, and a locator's scroll could
    # hold the row a redraw had just taken out
    page.evaluate(
        "document.querySelector('[data-testid=trainer-user-carl]').scrollIntoView({block: 'center'})"
    )
    for button in ("trainer-unlock-carl", "trainer-manage-carl"):
        expect(page.get_by_test_id(button)).to_be_in_viewport(ratio=1)
    page.get_by_test_id("trainer-unlock-carl").click()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text("carl is unlocked.")


def test_a_sim_given_back_on_the_phone_clears_its_flag_at_once(world: World, page: Any) -> None:
    """The table redraws on the events that change it; a SIM given back (phone.conditions_changed) was not
    one of them, so its "SIM swapped" flag stayed up to the next periodic read, 10 s later. A 3 s bound
    told the two apart until a loaded machine took longer: the page's timers are driven here instead, so the
    periodic read cannot come at all, and the flag can only go with the read the event asks for."""
    world.user("sam", phone="+15555550191")
    world.device("sam", "sms")
    page.clock.install()
    sign_in(page, world)
    # from here no timer fires unless run: no periodic read. Seconds (Python's unit), some ahead, as the
    # page's clock runs on until the pause lands; a timer due before then fires once, before the attack.
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 5)
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    # the attack's last event in the page (an events.summary, which never asks for a read, may come any time)
    trail = [e for e in admin_get(world, "/events")["events"] if e["type"] != "events.summary"]
    expect(page.locator("[data-testid=feed-event]:not([data-type='events.summary'])")).to_have_count(
        len(trail)
    )
    page.clock.run_for(500)  # the one read its events asked for (each asks 300 ms after it, the last wins)
    flag = page.get_by_test_id("trainer-sim-swapped-sam")
    expect(flag).to_be_visible()
    world.put("/sim/v1/phones/+15555550191/conditions", {"sim_swapped_to": None})
    given_back = page.locator("[data-testid=feed-event][data-type='phone.conditions_changed']")
    expect(given_back).to_have_count(2)  # the swap's and the SIM given back (the stream is no page timer)
    page.clock.run_for(500)  # the read the event asks for, if it does; the periodic one is 9 s away yet
    expect(flag).to_have_count(0)


def test_on_a_phone_the_confirm_dialog_keeps_a_margin(world: World, open_context: Callable[..., Any]) -> None:
    """The console's "are you sure?" dialog (Reset the world, Delete...) had a max-width of its own that
    replaced the browser's, so at 390 px it ran to both edges of the screen, its corners cut off."""
    world.user("carl", phone="+15555550177")
    page = open_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, world)
    page.get_by_test_id("world-reset").click()
    dialog = page.get_by_test_id("trainer-confirm")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 8 and box["x"] + box["width"] <= 390 - 8, box
    page.get_by_test_id("trainer-confirm-no").click()

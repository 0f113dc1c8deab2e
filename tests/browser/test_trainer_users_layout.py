"""The console's Users table at 1280 px, as a trainer sees it right after an attack: a user whose account and
card are both locked, beside a user with four authenticators. The table used to grow wider than its card
(the Account cell kept "locked 1 min 56 s" and "card locked" on one line, a locked card's chip never wrapped),
so Unlock and Manage sat out of sight behind a sideways scroll, just when the trainer needed them."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
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


def test_a_sim_given_back_on_the_phone_clears_its_flag_at_once(world: World, page: Any) -> None:
    """The table redraws on the events that change it; a SIM given back (phone.conditions_changed) was not
    one of them, so its "SIM swapped" flag stayed up to the next periodic read, 10 s later."""
    world.user("sam", phone="+15555550191")
    world.device("sam", "sms")
    sign_in(page, world)
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    flag = page.get_by_test_id("trainer-sim-swapped-sam")
    expect(flag).to_be_visible()
    world.put("/sim/v1/phones/+15555550191/conditions", {"sim_swapped_to": None})
    expect(flag).to_have_count(0, timeout=3000)

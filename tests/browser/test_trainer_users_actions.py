"""The console's Users table at 1280 x 800 with every state it can show at once (a SIM swapped, an IB Key
taken, a lock counting down, a failed sign-in with its Clear button): the actions column used to push the
table 40 px past its card, and a failed user's Manage button read "Mana" behind a sideways scroll."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] >= outer["y"] - 0.5
    )


def test_a_failed_users_manage_button_fits_beside_every_badge(world: World, page: Any) -> None:
    world.user("iphone-ivy", phone="+15555550161")
    world.ibkey("iphone-ivy", "+15555550161")
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "iphone-ivy", "password": PASSWORD})
    world.user("locked-lou", phone="+15555550162")
    world.device("locked-lou", "dscplus", pin="1234")
    world.post("/admin/v1/attacks", {"attack": "brute_force", "username": "locked-lou"})
    world.user("card-carl", phone="+15555550163")
    world.device("card-carl", "dscplus", pin="1234")
    world.device("card-carl", "sms")
    wrong = {"username": "card-carl", "password": "not-the-password-1"}
    assert requests.post(world.url + "/api/v1/auth/login", json=wrong, timeout=10).status_code == 401
    sign_in_trainer(page, world)
    expect(page.get_by_test_id("trainer-sim-swapped-iphone-ivy")).to_be_visible()
    expect(page.get_by_test_id("trainer-ibkey-taken-iphone-ivy")).to_be_visible()
    expect(page.get_by_test_id("trainer-lock-locked-lou")).to_contain_text("locked")
    expect(page.get_by_test_id("trainer-clear-card-carl")).to_be_visible()
    # measured in one step in the page: the table is redrawn as the attacks' events arrive
    frame, buttons = page.evaluate(
        """() => {
            const box = (el) => {
                const r = el.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width};
            };
            const wrap = document.querySelector("[data-users]");
            const found = {};
            wrap.querySelectorAll("[data-manage]").forEach((b) => { found[b.dataset.manage] = box(b); });
            return [box(wrap), found];
        }"""
    )
    assert set(buttons) == {"card-carl", "locked-lou", "iphone-ivy"}
    for name, manage in buttons.items():
        assert _inside(manage, frame), (
            f"{name}'s Manage button {manage} is cut off by the table's frame {frame}"
        )
    wide, shown = page.locator("[data-users]").evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    assert wide <= shown, f"the users table is {wide} px wide in a {shown} px card: a sideways scroll"


def test_the_manage_panel_opens_the_users_devices_and_tags_the_attackers_session(
    world: World, page: Any
) -> None:
    """The trainer went through Simulators for every phone and card, and a session the phishing relay
    opened read "from 198.51.100.200" with nothing to say it was the attacker's, as the feed says."""
    world.user("carl", phone="+15555550171")
    card = world.device("carl", "dscplus", pin="1234")["device_id"]
    world.user("ann", phone="+15555550172")
    world.ibkey("ann", "+15555550172")
    world.user("nobody-holds")
    relay = {"attack": "phishing_relay", "username": "carl", "password": PASSWORD}
    assert world.post("/admin/v1/attacks", relay)["verdict"] == "attacker_got_in"
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-carl").click()
    phone = page.get_by_test_id("trainer-open-phone-carl")
    expect(phone).to_have_attribute("href", "/sim/phone/carl")
    expect(phone).to_have_text("Open carl's phone")
    expect(page.get_by_test_id(f"trainer-open-card-carl-{card}")).to_have_attribute(
        "href", f"/sim/card/{card}"
    )
    session = page.get_by_test_id("trainer-panel-carl").locator("[data-testid^=trainer-session-]").first
    expect(session).to_contain_text("198.51.100.200 (attacker)")
    page.get_by_test_id("trainer-manage-ann").click()
    expect(page.get_by_test_id("trainer-open-phone-ann")).to_have_text("Open ann's phone (IB Key app)")
    page.get_by_test_id("trainer-manage-nobody-holds").click()
    expect(page.get_by_test_id("trainer-panel-nobody-holds")).to_be_visible()
    expect(page.get_by_test_id("trainer-open-phone-nobody-holds")).to_have_count(0)

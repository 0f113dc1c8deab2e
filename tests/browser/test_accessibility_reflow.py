"""The pages as a reader adapts them. WCAG 1.4.10 Reflow: every page at 320 CSS px wide (a 1280 px window
zoomed to 400%; a phone is 390) reads without scrolling sideways; only a box that scrolls on its own (the
console's users table) may be wider. 1.4.12 Text Spacing: with wider lines, letters, words and paragraphs no
text is cut off. One walk through the pages per check, as test_accessibility_pages.py walks them."""

from __future__ import annotations

import re
from pprint import pformat
from typing import Any

import requests
from playwright.sync_api import expect

from .a11y_kit import sideways, text_spacing_losses
from .console_kit import sign_in_trainer, stage_attack
from .pages_kit import PASSWORD, World, log_in_with_card, log_in_with_password, to_next_page


def test_every_page_fits_320_css_px_without_scrolling_sideways(world: World, open_context: Any) -> None:
    world.user("carol", phone="+15555550150")
    card = str(world.device("carol", "dscplus", pin="2468")["device_id"])
    world.user("gina", phone="+15555550152")
    world.ibkey("gina", "+15555550152")
    world.user("sam", phone="+15555550154")
    world.device("sam", "sms")
    requests.post(
        f"{world.url}/sim/v1/phones/+15555550154/conditions", json={"sim_swapped_to": "attacker"}, timeout=10
    )
    world.user("iris", phone="+15555550153")
    world.device("iris", "dscplus", pin="1111")
    world.device("iris", "totp")
    narrow = open_context(viewport={"width": 320, "height": 640})
    page = narrow.new_page()
    found: dict[str, list[str]] = {}

    def visit(label: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(world.url + path)
        page.wait_for_load_state("networkidle")
        found[label] = sideways(page)

    visit("login", "/")
    page.get_by_test_id("vk-toggle").click()
    visit("login: the virtual keyboard open")
    visit("forgot your password", "/recover")
    for name, label in (
        ("carol", "card step"),
        ("gina", "push step"),
        ("sam", "sms step"),
        ("iris", "device choice"),
    ):
        log_in_with_password(page, world.url, name)
        visit(label)
    visit("sim index", "/sim")
    visit("card", f"/sim/card/{card}")
    visit("phone", "/sim/phone/gina")
    page.get_by_test_id("phone-tab-ibkey").click()
    visit("phone: IBKR Mobile")
    visit("phone: its SIM on the attacker's handset", "/sim/phone/sam")
    sign_in_trainer(page, world)
    stage_attack(page, "gina", "phishing_relay", PASSWORD)
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_be_visible()
    page.get_by_test_id("trainer-manage-carol").click()
    visit("trainer console: a report, a user's panel")
    visit("trainer: the relay's attacker's screen", "/trainer/attacks/relay")
    log_in_with_card(page, world, "nina")
    visit("account")
    page.get_by_test_id("withdraw-amount").fill("100")
    to_next_page(page.get_by_test_id("withdraw-submit"))
    visit("verify your identity")
    visit("logged out", "/logged-out")
    visit("no such page", "/no/such/page")
    failing = {label: problems for label, problems in found.items() if problems}
    assert not failing, pformat(failing, width=120)


def test_no_text_is_cut_off_with_wider_spacing(world: World, open_context: Any) -> None:
    """The card's display cut a keyed challenge's last digit off at 1280 px ("CHALLNG>123456" in a box of one
    line, its overflow hidden): it now takes a second line rather than lose a digit."""
    world.user("carol", phone="+15555550150")
    card = str(world.device("carol", "dscplus", pin="2468")["device_id"])
    world.user("gina", phone="+15555550152")
    world.ibkey("gina", "+15555550152")
    page = open_context(
        bypass_csp=True
    ).new_page()  # the spacing comes as a style sheet, which the CSP refuses
    found: dict[str, list[str]] = {}

    def visit(label: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(world.url + path)
        page.wait_for_load_state("networkidle")
        found[label] = text_spacing_losses(page)

    visit("login", "/")
    page.get_by_test_id("vk-toggle").click()
    visit("login: the virtual keyboard open")
    log_in_with_password(page, world.url, "carol")
    visit("card step")
    page.goto(f"{world.url}/sim/card/{card}")
    page.get_by_test_id("card-device").focus()
    page.keyboard.press("p")
    page.keyboard.type("2468")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("card-display")).to_have_text("CHALLNG>")
    page.keyboard.type("123456")
    display = page.get_by_test_id("card-display")
    expect(display).to_have_text("CHALLNG>123456")
    height = display.evaluate(
        "(lcd) => lcd.clientHeight"
    )  # at the page's own spacing, one line, as the card's
    assert height < 60, f"the display took {height} px: more than its one line"
    visit("card: a challenge keyed in")
    log_in_with_password(open_context().new_page(), world.url, "gina")
    page.goto(world.url + "/sim/phone/gina")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(1)
    visit("phone: IBKR Mobile with a notification")
    sign_in_trainer(page, world)
    stage_attack(page, "carol", "brute_force")
    expect(page.get_by_test_id("attack-result")).to_contain_text("The defences held.")
    visit("trainer console: a report")
    log_in_with_card(page, world, "nina")
    visit("account")
    failing = {label: problems for label, problems in found.items() if problems}
    assert not failing, pformat(failing, width=120)


def test_a_card_s_serial_on_the_simulators_page_is_never_broken(world: World, open_context: Any) -> None:
    """At a projector's 1024 px the simulators page's cards are three abreast, and a card's serial broke at
    its hyphen ("5-8090-" above "30453"): the number the room reads off the card drawn on its page."""
    for n, name in enumerate(("carol", "dave", "erin")):  # three cards abreast, as the demo world's
        world.user(name, phone=f"+1555555016{n}")
        world.device(name, "dscplus", pin="2468")
    page = open_context(viewport={"width": 1024, "height": 768}).new_page()
    page.goto(world.url + "/sim")
    for name in ("carol", "dave", "erin"):
        serial = page.get_by_test_id(f"sim-user-{name}").locator(".mono")
        expect(serial).to_have_text(re.compile(r"^\d-\d{4}-\d{5}$"))
        lines = serial.evaluate("(el) => el.getClientRects().length")
        assert lines == 1, f"{name}'s card serial {serial.inner_text()!r} takes {lines} lines"

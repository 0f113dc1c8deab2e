"""Every page a person reaches, checked in Chromium against WCAG 2.2 AA's machine-checkable parts: the
page's frame (lang, title, one h1, landmarks), text contrast from the computed styles, an accessible name
for every control, target sizes; and a visible focus indicator (3:1) on every element the Tab key reaches.
The pages are walked in three parts (each test its own world on the worker's shared server)."""

from __future__ import annotations

from collections.abc import Callable
from pprint import pformat
from typing import Any

import pytest
from playwright.sync_api import expect

from .a11y_kit import page_problems, tab_through
from .console_kit import add_user_on_the_console, sign_in_trainer
from .pages_kit import (
    PASSWORD,
    World,
    ask_for_a_new_number,
    confirm_identity,
    log_in_with_card,
    log_in_with_password,
    to_next_page,
    verify_with_card,
)


def seed(world: World) -> str:
    """Users for each kind of step: a card (its id returned), SMS, an IB Key push, several devices; an
    account of two of them."""
    world.user("carol", phone="+15555550150")
    card = str(world.device("carol", "dscplus", pin="2468")["device_id"])
    world.user("erin", phone="+15555550151")
    world.device("erin", "sms")
    world.user("gina", phone="+15555550152")
    world.ibkey("gina", "+15555550152")
    world.user("iris", phone="+15555550153")
    world.device("iris", "dscplus", pin="1111")
    world.device("iris", "totp")
    world.post(
        "/admin/v1/accounts", {"account_id": "U1234567", "users": ["carol", "erin"]}
    )  # the Accounts card's
    return card


def open_the_console_s_administration(page: Any) -> None:
    """The controls the console shows only on demand: carol's panel (a refused allowlist next to its
    field), and what adding a user returns once."""
    page.get_by_test_id("trainer-manage-carol").click()
    page.get_by_test_id("trainer-allowlist-carol").fill("not-an-address")
    page.get_by_test_id("trainer-allowlist-save-carol").click()
    expect(page.get_by_test_id("trainer-allowlist-error-carol")).to_contain_text("not-an-address")
    add_user_on_the_console(page, "tess", "totp")
    expect(page.get_by_test_id("once-qr")).to_be_visible()
    expect(page.get_by_test_id("trainer-user-tess")).to_be_visible()  # the table redrawn since


class Walk:
    """One walk through pages in one browser context, auditing each page it stops at (``audited``) or only
    passing through it, so that a later part meets the state an earlier one left."""

    def __init__(self, world: World, context: Any) -> None:
        self.world = world
        self.context = context
        self.page = context.new_page()
        self.card = seed(world)
        self.audited = True
        self.found: dict[str, list[str]] = {}

    def visit(self, label: str, path: str | None = None) -> None:
        if path is not None:
            self.page.goto(self.world.url + path)
        self.page.wait_for_load_state("networkidle")
        if self.audited:
            self.found[label] = page_problems(self.page)


def sign_in_and_simulators(walk: Walk) -> None:
    """The login page and each of its steps, the simulators with a push waiting, the pages of errors."""
    page, world, visit = walk.page, walk.world, walk.visit
    visit("login", "/")
    page.get_by_test_id("vk-toggle").click()
    visit("login: the virtual keyboard open")
    log_in_with_password(page, world.url, "carol", "not-the-password-1")
    visit("login error")
    for name, label in (("carol", "card step"), ("erin", "sms step"), ("iris", "device choice")):
        log_in_with_password(page, world.url, name)
        visit(label)
    page.get_by_test_id("factor-option-dscplus").check()
    page.get_by_test_id("factor-select-submit").click()
    page.get_by_test_id("step-response").fill("00000000")
    to_next_page(page.get_by_test_id("step-submit"))
    visit("card step, wrong response")
    push = walk.context.new_page()
    log_in_with_password(push, world.url, "gina")
    expect(push.get_by_test_id("push-status")).to_contain_text("Waiting")
    visit("sim index", "/sim")
    expect(page.get_by_role("link", name="Open gina's phone")).to_be_visible()  # one "Open phone" per user
    visit("card", f"/sim/card/{walk.card}")
    visit("phone", "/sim/phone/gina")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(1)
    visit("phone, IBKR Mobile with a notification")
    if walk.audited:
        walk.found["push step"] = page_problems(push)
    visit("no such card", "/sim/card/nope")
    visit("no such page", "/no/such/page")


def trainer(walk: Walk) -> None:
    """The trainer's pages, after the sign-ins above (walked, not audited again): their feed and table show
    what those did."""
    walk.audited = False
    sign_in_and_simulators(walk)
    walk.audited = True
    page, world, visit = walk.page, walk.world, walk.visit
    visit("trainer sign-in", "/trainer")
    sign_in_trainer(page, world)
    visit("trainer console")
    open_the_console_s_administration(page)
    visit("trainer console: a user's panel with a refusal, a user just added")
    page.get_by_test_id("trainer-delete-carol").click()
    visit("trainer console: asking before a delete")
    page.get_by_test_id("trainer-confirm-no").click()
    for _ in range(2):  # the second relay's screen lists the first under it
        world.post(
            "/admin/v1/attacks", {"attack": "phishing_relay", "username": "gina", "password": PASSWORD}
        )
    visit("trainer: the attacker's screen of a relay waiting on its number", "/trainer/attacks/relay")
    page.get_by_test_id("relay-earlier-run").locator("summary").click()
    visit("trainer: the attacker's screen, an earlier relay opened")


def account(walk: Walk) -> None:
    """A signed-in user's pages: the account, verifying one's identity, a new number, the password and IP
    Restrictions forms; and the page after logging out."""
    page, world, visit = walk.page, walk.world, walk.visit
    nina_card = log_in_with_card(page, world, "nina")
    visit("account")
    page.get_by_test_id("withdraw-amount").fill("100")
    to_next_page(page.get_by_test_id("withdraw-submit"))
    visit("verify your identity: the username and password")
    confirm_identity(page, "nina")
    visit("verify your identity")
    page.goto(world.url + "/account")
    ask_for_a_new_number(page, world, "nina", nina_card, "4321", "+15555550199")
    visit("account: a code sent to a new number")
    page.get_by_test_id("phone-code").fill("12345")  # a digit short, sent past the browser's own check,
    page.get_by_test_id("phone-code").evaluate("field => field.form.noValidate = true")  # for the server's
    page.get_by_test_id("phone-confirm").click()
    expect(page.get_by_test_id("account-message")).to_be_visible()
    visit("account: a new number's code refused")
    page.get_by_test_id("password-start").click()
    verify_with_card(page, world, "nina", nina_card, "4321")
    expect(page.get_by_test_id("password-form")).to_be_visible()
    page.get_by_test_id("ip-entries").fill("198.51.100.0/24")  # without this browser's address: refused
    page.get_by_test_id("ip-save").click()
    expect(page.get_by_test_id("account-message")).to_be_visible()
    visit("account: the password and IP Restrictions forms, a list refused")
    visit("logged out", "/logged-out")


@pytest.mark.parametrize("part", [sign_in_and_simulators, trainer, account], ids=lambda part: part.__name__)
def test_every_page_has_its_frame_contrast_names_and_target_sizes(
    world: World, context: Any, part: Callable[[Walk], None]
) -> None:
    """In three parts, which the workers share: one walk through every page took 45 s on one."""
    walk = Walk(world, context)
    part(walk)
    failing = {label: problems for label, problems in walk.found.items() if problems}
    assert walk.found and not failing, pformat(failing, width=120)


def test_the_api_reference_reads_well_with_an_operation_open(world: World, page: Any) -> None:
    """Swagger UI draws /docs: its method badges, version badges, links and buttons in colours under 4.5:1,
    and the request body's editor without a name. ``static/css/docs.css`` darkens them and ``docs.js`` names
    the editor; checked with an operation opened for "Try it out", where most of Swagger's controls are."""
    page.goto(world.url + "/docs")
    # Swagger UI parses and draws the whole document before it shows an operation: more than expect's 5 s
    # once, on a fresh-clone CI run sharing two cores with other work; and its page is still busy drawing
    # when the first click lands (a click timed out after 10 s once, at a load average of 10)
    expect(page.locator(".opblock-summary").first).to_be_visible(timeout=30_000)
    page.locator(".opblock-post .opblock-summary").first.click(timeout=30_000)
    page.get_by_role("button", name="Try it out").first.click(timeout=30_000)
    expect(page.get_by_role("textbox", name="Request body (JSON)")).to_be_visible()
    found = page_problems(
        page
    )  # every operation's summary, and one opened: one walk of the page (a long one)
    assert not found, pformat(found, width=120)


def test_every_element_the_tab_key_reaches_shows_its_focus(world: World, context: Any) -> None:
    """2.4.7 and 1.4.11: focusing an element changes its look, with 3:1 against what is behind it; the card's
    keypad keys among them (their own key shadow once hid the ring)."""
    card = seed(world)
    page = context.new_page()
    weak: dict[str, list[str]] = {}

    def check(label: str) -> None:
        reached = tab_through(page)
        assert len(reached) > 3, f"{label}: the Tab key reached only {reached}"
        weak[label] = [f"{name} ({contrast:.2f}:1)" for name, contrast in reached if contrast < 3]

    page.goto(world.url + "/")
    check("login")
    log_in_with_password(page, world.url, "carol")
    expect(page.get_by_test_id("step-challenge")).to_be_visible()  # tabbed once the card step is shown
    check("card step")
    page.goto(f"{world.url}/sim/card/{card}")
    check("card")
    log_in_with_password(context.new_page(), world.url, "gina")
    page.goto(world.url + "/sim/phone/gina")
    page.get_by_test_id("phone-tab-ibkey").click()
    expect(page.get_by_test_id("ibkey-notification")).to_have_count(1)
    check("phone")
    sign_in_trainer(page, world)
    open_the_console_s_administration(page)
    check("trainer console")
    failing = {label: names for label, names in weak.items() if names}
    assert not failing, pformat(failing, width=120)


def test_the_simulators_links_say_whose_card_they_open(world: World, page: Any) -> None:
    """A screen reader's list of links took each card's link out of its user's card: five links all
    "Digital Security Card+" in the demo world. Each says whose it is, as "Open gina's phone" does, and still
    takes a click on its words."""
    for name in ("carol", "iris"):
        world.user(name)
        world.device(name, "dscplus", pin="2468")
    page.goto(world.url + "/sim")
    for name in ("carol", "iris"):
        expect(page.get_by_role("link", name=f"{name}'s Digital Security Card+", exact=True)).to_be_visible()
    page.get_by_role("link", name="iris's Digital Security Card+").click()
    expect(page.get_by_test_id("card-device")).to_be_visible()

"""WCAG 2.4.2: each page a person reaches has a title of its own, the first thing a screen reader says of
it and all a browser's tab shows. The login's second step named no factor ("Security code" for a card, a
push and an app alike); the trainer's and the simulators' sign-in forms, and the account's refusal, took the
title of the page they stand in front of."""

from __future__ import annotations

from pprint import pformat
from typing import Any

from playwright.sync_api import expect

from .a11y_kit import shared_titles
from .console_kit import sign_in_trainer
from .pages_kit import PASSWORD, World, log_in_with_card, log_in_with_password, to_next_page

SIM_TOKEN = "sim-token-for-the-trainer-0123"


def test_every_page_has_a_title_of_its_own(
    shared_serve: Any, admin_headers: dict[str, str], context: Any
) -> None:
    server = shared_serve(
        workers=1, SLS_SIM_TOKEN=SIM_TOKEN
    )  # the simulators' sign-in form, in front of /sim
    world = World(server.url, admin_headers, SIM_TOKEN)
    world.user("carol", phone="+15555550150")
    card = str(world.device("carol", "dscplus", pin="2468")["device_id"])
    world.user("gina", phone="+15555550152")
    world.ibkey("gina", "+15555550152")
    world.user("erin", phone="+15555550151")
    world.device("erin", "sms")
    world.user("tom")
    world.device("tom", "totp")
    world.user("iris", phone="+15555550153")
    world.device("iris", "dscplus", pin="1111")
    world.device("iris", "totp")
    page = context.new_page()
    titles: dict[str, str] = {}

    def visit(label: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(world.url + path)
        page.wait_for_load_state("networkidle")
        titles[label] = page.title()

    visit("login", "/")
    visit("forgot your password", "/recover")
    for name, label in (
        ("carol", "card"),
        ("gina", "push"),
        ("erin", "sms"),
        ("tom", "app"),
        ("iris", "choice"),
    ):
        log_in_with_password(page, world.url, name)
        visit(f"login step: {label}")
    expect(page).to_have_title("Select second factor device · SLS Emulator")
    visit("simulators' sign-in", "/sim")
    page.get_by_test_id("sim-token").fill(SIM_TOKEN)
    to_next_page(page.get_by_test_id("sim-token-submit"))
    visit("simulators")
    visit("card", f"/sim/card/{card}")
    visit("phone", "/sim/phone/gina")
    visit("trainer's sign-in", "/trainer")
    sign_in_trainer(page, world)
    visit("trainer console")
    visit("relay's attacker's screen", "/trainer/attacks/relay")
    log_in_with_card(page, world, "nina")
    visit("account")
    page.get_by_test_id("withdraw-amount").fill("many")  # past the browser's own check, for the server's
    page.get_by_test_id("withdraw-amount").evaluate("field => field.form.noValidate = true")
    to_next_page(page.get_by_test_id("withdraw-submit"))
    visit("account: a task refused")
    page.goto(world.url + "/account")
    page.get_by_test_id("withdraw-amount").fill("100")
    to_next_page(page.get_by_test_id("withdraw-submit"))
    visit("verify your identity")
    visit("logged out", "/logged-out")
    visit("API reference", "/docs")
    visit("no such page", "/no/such/page")
    assert titles["login step: card"].startswith("Log in: Digital Security Card+ ·"), titles
    assert not shared_titles(titles), pformat(shared_titles(titles), width=120)
    assert PASSWORD not in str(titles)

"""Helpers of the browser tests on the trainer console: signing in, its *Add a user* form, and an attack
staged from it with its report read while it waits on the victim's phone."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, loaded


def sign_in_trainer(page: Any, world: World) -> None:
    """Sign in to the trainer console with the admin token; the feed is live once it returns."""
    page.goto(world.url + "/trainer")
    page.get_by_test_id("trainer-token").fill(world.admin["Authorization"].removeprefix("Bearer "))
    page.get_by_test_id("trainer-sign-in").click()
    expect(loaded(page.get_by_test_id("feed-state"))).to_have_text("live")  # every script of the console run


def stage_attack(page: Any, victim: str, kind: str, password: str | None = None) -> None:
    """An attack of ``kind`` on ``victim`` run from the trainer console's form (``password``: the victim's,
    for the kinds that need it); what it shows next is the test's to check."""
    page.get_by_test_id("attack-user").select_option(victim)
    page.get_by_test_id("attack-kind").select_option(kind)
    if password is not None:
        page.get_by_test_id("attack-password").fill(password)
    page.get_by_test_id("attack-run").click()


def add_user_on_the_console(
    page: Any, name: str, type_: str, *, pin: str = "", phone: str | None = None
) -> None:
    """The console's *Add a user* form filled and sent: ``name`` with the tests' password and an
    authenticator of ``type_`` (a card's ``pin``, a ``phone``, when given). What the console answers (the
    once-shown secrets, a refusal by its field) is the test's to check; the form was filled in each test."""
    page.get_by_test_id("add-user-username").fill(name)
    page.get_by_test_id("add-user-password").fill(PASSWORD)
    page.get_by_test_id("add-user-type").select_option(type_)
    if pin:
        page.get_by_test_id("add-user-pin").fill(pin)
    if phone is not None:
        page.get_by_test_id("add-user-phone").fill(phone)
    page.get_by_test_id("add-user-submit").click()


def not_over(victim: str) -> re.Pattern[str]:
    """The attack card's verdict while a login the attack started waits on ``victim``'s phone (a push
    bombing's, a relay's push, a SIM swap's reset): her answer, or the push's lifetime, decides it."""
    waits = rf"^Not over yet: the attacker waits on {re.escape(victim)}'s phone until \d\d:\d\d UTC\.$"
    return re.compile(waits)


def attack_waiting(page: Any, victim: str, kind: str, password: str | None = None) -> Any:
    """:func:`stage_attack`, then its report drawn waiting on ``victim``'s phone (``not_over``, marked
    ``data-waiting``); the verdict, a locator. A test answers on her phone, reloads, or opens the attacker's
    screen only after this: before the report is drawn, the attack's POST may not have written its logins
    (a page opened meanwhile aborts it), and an answer could come before the card follows the wait."""
    stage_attack(page, victim, kind, password)
    verdict = page.get_by_test_id("attack-result").locator("[data-verdict]")
    expect(verdict).to_have_text(not_over(victim))
    expect(verdict).to_have_attribute("data-waiting", "true")
    return verdict


def number_to_pick(page: Any) -> str:
    """The number a relay's push needs, as the console's report says it (the attacker's screen shows it)."""
    return str(page.get_by_test_id("attack-number").inner_text().rsplit(" ", 1)[-1])

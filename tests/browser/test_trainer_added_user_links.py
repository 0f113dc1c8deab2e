"""The console's *Add a user* answer, and a user's *Enrol* answer, link to the user's side: the card's page
for a card, the phone's page for a user with a phone. A user without a phone got "Open zed's phone" too,
a link to a phone page with no number on it (the users table's own *Open ...'s phone* has long been
offered only for a phone or an IB Key)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .console_kit import add_user_on_the_console, sign_in_trainer
from .pages_kit import World


def _add(page: Any, name: str, type_: str, phone: str = "", pin: str = "") -> Any:
    """``name`` added from the console with ``type_``; the answer shown once, below the form."""
    add_user_on_the_console(page, name, type_, pin=pin, phone=phone)
    expect(page.get_by_test_id(f"trainer-user-{name}")).to_be_visible()
    result = page.get_by_test_id("add-user-result")
    expect(result).to_contain_text(f"{name} was added")
    return result


def test_the_added_user_s_answer_links_the_phone_only_to_a_user_with_one(world: World, page: Any) -> None:
    sign_in_trainer(page, world)
    result = _add(page, "zed4", "totp")
    expect(result.get_by_test_id("once-secret_b32")).to_be_visible()
    expect(result.get_by_test_id("once-open-sim")).to_have_count(0)
    result = _add(page, "ann4", "totp", phone="+15555550144")
    expect(result.get_by_test_id("once-open-sim")).to_have_text("Open ann4's phone")
    expect(result.get_by_test_id("once-open-sim")).to_have_attribute("href", "/sim/phone/ann4")
    result = _add(page, "cal4", "dscplus", pin="1234")
    expect(result.get_by_test_id("once-open-sim")).to_have_text("Open the card")


def test_an_enrolment_s_answer_links_the_phone_only_to_a_user_with_one(world: World, page: Any) -> None:
    world.user("amy")
    world.user("bob", phone="+15555550145")
    sign_in_trainer(page, world)
    for name, links in (("amy", 0), ("bob", 1)):
        page.get_by_test_id(f"trainer-manage-{name}").click()
        page.get_by_test_id(f"trainer-enrol-type-{name}").select_option("totp")
        page.get_by_test_id(f"trainer-enrol-submit-{name}").click()
        answer = page.get_by_test_id(f"trainer-enrol-result-{name}")
        expect(answer.get_by_test_id("once-secret_b32")).to_be_visible()
        expect(answer.get_by_test_id("once-open-sim")).to_have_count(links)

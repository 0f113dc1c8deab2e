"""The console's cards at the widths a trainer meets: a projector's 1024 and a laptop's 1280, where the
Server clock card sat beside Stage an attack and was stretched to its height (a tall empty card), and a
phone's 390, where the users table's Sessions cells lay under the sticky Unlock/Manage column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from .pages_kit import PASSWORD, World
from .test_trainer_console import sign_in


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_clock_card_is_as_tall_as_what_it_holds(
    world: World, open_context: Callable[..., Any], width: int
) -> None:
    world.user("amy")
    page = open_context(viewport={"width": width, "height": 800}).new_page()
    sign_in(page, world)
    clock = page.locator("section[aria-labelledby=clock-title]")
    expect(clock).to_be_visible()
    measured = clock.evaluate(
        """(card) => {
            // the lowest thing shown in it (an empty status line is display: none, at 0)
            const last = Math.max(...Array.from(card.children, (c) => c.getBoundingClientRect().bottom));
            const padding = parseFloat(getComputedStyle(card).paddingBottom);
            const attack = document.getElementById("attack-title").parentElement;
            return { empty: card.getBoundingClientRect().bottom - padding - last,
                     top: card.getBoundingClientRect().top, attackTop: attack.getBoundingClientRect().top };
        }"""
    )
    assert measured["empty"] < 40, f"{measured['empty']:.0f} px of empty card under the clock at {width} px"
    assert measured["top"] == measured["attackTop"], "the two cards still sit side by side, tops aligned"


def test_on_a_phone_a_users_sessions_are_in_sight_beside_unlock_and_manage(
    world: World, open_context: Callable[..., Any]
) -> None:
    """At 390 px the table scrolls sideways and its Unlock/Manage column keeps to the card's right edge, over
    the Sessions column: a SIM swap's live session (the attacker's) showed only once the table was scrolled.
    The Account cell says it there, as it says a locked card for the Factors column out of sight."""
    world.user("sam", phone="+15555550192")
    world.device("sam", "sms")
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    world.post(
        "/admin/v1/attacks", {"attack": "brute_force", "username": "sam"}
    )  # Unlock too: a wider column
    page = open_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, world)
    expect(page.get_by_test_id("trainer-unlock-sam")).to_be_visible()
    shown = page.get_by_test_id("trainer-user-sam").get_by_text("1 session live")
    expect(shown).to_be_visible()
    # what the trainer sees without scrolling the table sideways: the words are in the card, and on top
    hidden = shown.evaluate(
        """(tag) => {
            const r = tag.getBoundingClientRect(), wrap = tag.closest("[data-users]").getBoundingClientRect();
            if (r.left < wrap.left || r.right > wrap.right) return "outside the card";
            const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
            return tag.contains(top) ? "" : "under " + (top && top.outerHTML.slice(0, 80));
        }"""
    )
    assert not hidden, hidden
    # nothing else in the row lies under the sticky column either: the Sessions column gives way there
    expect(page.get_by_test_id("trainer-sessions-sam")).to_be_hidden()
    for button in ("trainer-unlock-sam", "trainer-manage-sam"):
        expect(page.get_by_test_id(button)).to_be_in_viewport(ratio=1)


def test_on_a_laptop_the_sessions_column_says_it_once(world: World, page: Any) -> None:
    world.user("sam", phone="+15555550193")
    world.device("sam", "sms")
    world.post("/admin/v1/attacks", {"attack": "sim_swap", "username": "sam", "password": PASSWORD})
    sign_in(page, world)
    expect(page.get_by_test_id("trainer-sessions-sam")).to_have_text("1 live")
    expect(page.get_by_test_id("trainer-user-sam").get_by_text("1 session live")).to_be_hidden()

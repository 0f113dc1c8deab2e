"""The trainer console on stage, in front of a room: the attack card in reach at once at a projector's size,
the next attack a press away when an earlier one left the victim locked, and a name no user has said in
words the room reads."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .console_kit import sign_in_trainer, stage_attack
from .pages_kit import World


@pytest.mark.parametrize("size", [(1280, 720), (1024, 768)])
def test_stage_an_attack_at_the_top_shows_the_card_and_focuses_the_victim(
    world: World, page: Any, size: tuple[int, int]
) -> None:
    """At 1280x720 the card sat under Users, Accounts and the address limit: the trainer scrolled for it on
    stage. One press at the top of the console shows it, its heading in sight, the Victim focused."""
    world.user("amy")
    world.user("bob")
    page.set_viewport_size({"width": size[0], "height": size[1]})
    sign_in_trainer(page, world)
    expect(page.locator("#attack-title")).not_to_be_in_viewport()  # below the fold, as the walk found it
    shortcut = page.get_by_test_id("trainer-to-attack")
    expect(shortcut).to_be_in_viewport()
    expect(shortcut).to_have_text("Stage an attack")

    shortcut.click()

    expect(page.locator("#attack-title")).to_be_in_viewport()
    expect(page.get_by_test_id("attack-run")).to_be_in_viewport()
    expect(page.get_by_test_id("attack-user")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the focus is where a keyboard picks the victim
    expect(page.get_by_test_id("attack-user")).to_have_value("bob")


def test_an_attacks_report_comes_into_view_when_it_arrives(world: World, page: Any) -> None:
    """At 1280x720 the report sat below the window after Run attack: the trainer pressed and saw nothing
    happen. It is brought into sight when the attack answers, the focus left on Run attack."""
    world.user("amy")
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in_trainer(page, world)
    report = page.get_by_test_id("attack-result")
    page.get_by_test_id("attack-kind").select_option("brute_force")
    # scrolled down as far as the button: Run attack the window's last line, the report under it
    page.get_by_test_id("attack-run").evaluate("button => button.scrollIntoView({ block: 'end' })")

    page.get_by_test_id("attack-run").click()

    expect(report.locator(".verdict")).to_have_text("The defences held.")
    expect(report.locator(".verdict")).to_be_in_viewport()
    expect(report.locator("p").last).to_be_in_viewport()  # the whole report, its last line too
    expect(page.get_by_test_id("attack-run")).to_be_focused()


def test_an_attack_stopped_by_an_earlier_lock_offers_to_unlock_and_run_it_again(
    world: World, page: Any
) -> None:
    """Back to back on the first user (the default victim), the second attack met the first's lock and only
    said so: the report offers the Users table's Unlock and the same attack again, in one press."""
    world.user("amy")
    sign_in_trainer(page, world)
    verdict = page.locator("[data-testid=attack-result] .verdict")
    stage_attack(page, "amy", "brute_force")
    expect(verdict).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-unlock-rerun")).to_have_count(0)  # nothing to unlock for that one

    stage_attack(page, "amy", "credential_stuffing")
    expect(verdict).to_have_text("The attack could not run.")
    again = page.get_by_test_id("attack-unlock-rerun")
    expect(again).to_have_text("Unlock amy and run it again")

    again.click()

    expect(page.locator("[data-testid=feed-event][data-type='account.unlocked']")).to_have_count(1)
    expect(verdict).to_have_text("The defences held.")  # it ran: stuffing's guesses, refused
    expect(page.get_by_test_id("attack-result")).to_contain_text("invalid_credentials")
    expect(page.get_by_test_id("attack-unlock-rerun")).to_have_count(0)
    expect(page.get_by_test_id("attack-run")).to_be_focused()  # the button went with its report


def test_a_spray_says_the_names_no_user_has_in_words_with_a_short_reference(world: World, page: Any) -> None:
    """A spray's made-up names are kept out of the trail as a keyed reference; the feed said "a name no user
    has #3fb0b1564d46", which a room read as a code. It says the words, the reference short in brackets
    (the same for each try at one name), and the whole reference only in the event's fields."""
    world.user("amy")
    sign_in_trainer(page, world)
    stage_attack(page, "amy", "password_spray")
    expect(page.locator("[data-testid=attack-result] .verdict")).to_have_text("The defences held.")
    failed = page.locator("[data-testid=feed-event][data-type='login.password_failed']")
    expect(failed).to_have_count(30)  # the report's 30 wrong passwords, all in the feed
    texts = [t for t in failed.locator("[data-testid=feed-said]").all_inner_texts() if "amy" not in t]
    assert texts, "the spray tried made-up names"
    said = re.compile(
        r"^Wrong password for a name no user has \(#[0-9a-f]{4}\u2026\), from 198\.51\.100\.\d+ \(attacker\)$"
    )
    assert all(said.match(t) for t in texts), texts
    assert len(set(texts)) < len(texts), "a name tried again shows the same reference"
    assert not re.search(r"#[0-9a-f]{12}", page.get_by_test_id("event-feed").inner_text()), (
        "no bare reference"
    )
    whole = failed.filter(has_not_text="amy").first.locator(".feed-type").get_attribute("title") or ""
    assert re.search(r"name ref [0-9a-f]{12}", whole), whole  # the whole reference, in the line's fields

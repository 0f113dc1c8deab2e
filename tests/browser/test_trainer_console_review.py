"""A trainer's review of the console: the attack card kept the last report ("The attacker got in.") after the
world it described was reset or put back; a refused search of the trail kept the last page beside its
refusal; and the note on secrets sealed by an older server sat under "Back to the demo world", read as its
description."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .console_kit import sign_in_trainer, stage_attack
from .pages_kit import World


def run_brute_force(page: Any, victim: str) -> Any:
    """A brute force on ``victim`` staged from the console; the card's verdict, once it is shown."""
    stage_attack(page, victim, "brute_force")
    verdict = page.get_by_test_id("attack-result").locator("[data-verdict]")
    expect(verdict).to_have_text(re.compile(r"^The (defences held|attacker got in)\.$"))
    return verdict


def test_reset_and_back_to_the_demo_world_clear_the_last_attack_s_report(world: World, page: Any) -> None:
    world.user("carl", phone="+15555550183")
    world.device("carl", "dscplus", pin="1234")
    world.keep_as_demo_world()  # what sls demo does once its world is seeded
    sign_in_trainer(page, world)
    expect(page.get_by_test_id("feed-state")).to_have_text("live")
    result = page.get_by_test_id("attack-result")

    run_brute_force(page, "carl")
    page.get_by_test_id("world-reset").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("trainer-user-carl")).to_have_count(0)
    expect(result).to_be_empty()  # the attack's world is gone, and its report with it

    page.get_by_test_id("world-restore-demo").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("world-status")).to_contain_text("Back to the demo world")
    expect(page.get_by_test_id("attack-user").locator("option", has_text="carl")).to_have_count(1)
    run_brute_force(page, "carl")
    page.get_by_test_id("world-restore-demo").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(result).to_be_empty()


def test_a_refused_search_clears_the_last_page(world: World, page: Any) -> None:
    world.user("carol")
    sign_in_trainer(page, world)
    page.get_by_test_id("events-filter-type").fill("user.created")
    page.get_by_test_id("events-filter-limit").fill("1")
    page.get_by_test_id("events-filter-submit").click()
    rows = page.get_by_test_id("events-filter-event")
    expect(rows).to_have_count(1)
    summary = page.get_by_test_id("events-filter-summary")
    expect(summary).to_have_text(re.compile(r"^1 event \(type user\.created\)\."))

    page.get_by_test_id("events-filter-limit").fill("0")
    page.get_by_test_id("events-filter-submit").click()
    expect(page.get_by_test_id("events-filter-error-limit")).to_have_text(
        '"At most" must be at least 1'
    )  # its label's words, not the API's limit
    expect(summary).to_be_empty()  # it described another filter
    expect(rows).to_have_count(0)
    expect(page.get_by_test_id("events-filter-more")).to_be_hidden()


def test_the_note_on_old_secrets_describes_the_reseal_button_not_the_demo_world(
    world: World, page: Any
) -> None:
    sign_in_trainer(page, world)
    reseal = page.get_by_test_id("world-reseal")
    expect(reseal).to_have_accessible_description(
        re.compile(r"^Secrets an older server sealed under SLS_SECRET_KEY")
    )
    group = page.get_by_role("group", name="Old secrets")
    expect(group.get_by_test_id("world-reseal-note")).to_contain_text("SLS_SECRET_KEY")
    expect(group.get_by_test_id("world-reseal")).to_have_count(1)
    expect(group.get_by_test_id("world-restore-demo")).to_have_count(0)
    expect(page.get_by_test_id("world-reset")).to_have_accessible_description("")

"""The console reloaded after an attack shows the last attack staged, whatever its kind, with the Attack and
the Victim it was staged with (``GET /trainer/attacks/last``). It drew the last push bombing's report beside
the Attack select's first choice ("Password spray") and the first user, and did so even after a brute force
staged since, as if the bombing were the last attack."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .pages_kit import PASSWORD, World, loaded, stage_attack
from .test_trainer_console import sign_in

NOT_OVER = re.compile(r"^Not over yet: the attacker waits on ivy's phone until \d\d:\d\d UTC\.$")


def _reloaded(page: Any) -> None:
    page.reload()
    loaded(page.get_by_test_id("feed-state"))


def test_a_reload_mid_push_bombing_chooses_the_attack_and_the_victim_of_its_report(
    world: World, page: Any
) -> None:
    world.user("amy")  # the first user, the Victim select's first choice
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    stage_attack(page, "ivy", "push_bombing", PASSWORD)
    verdict = page.get_by_test_id("attack-result").locator("[data-verdict]")
    expect(verdict).to_have_text(NOT_OVER)
    _reloaded(page)
    expect(page.get_by_test_id("attack-answered")).to_contain_text("ivy answered 0 of 3 pushes")
    expect(verdict).to_have_text(NOT_OVER)
    expect(page.get_by_test_id("attack-kind")).to_have_value("push_bombing")
    expect(page.get_by_test_id("attack-user")).to_have_value("ivy")
    expect(page.get_by_test_id("attack-password")).to_have_value("")  # a phished password is never kept


def test_a_reload_after_a_brute_force_staged_since_a_push_bombing_shows_the_brute_force(
    world: World, page: Any
) -> None:
    world.user("amy")
    world.device("amy", "dscplus", pin="1234")
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    stage_attack(page, "ivy", "push_bombing", PASSWORD)
    result = page.get_by_test_id("attack-result")
    expect(result.locator("[data-verdict]")).to_have_text(NOT_OVER)
    stage_attack(page, "amy", "brute_force")
    expect(result.locator("[data-verdict]")).to_have_attribute("data-verdict", "defences_held")
    shown = result.text_content()
    _reloaded(page)
    expect(result).to_have_text(shown)  # the brute force's report, as it was drawn when staged
    expect(result.locator("[data-verdict]")).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-answered")).to_have_count(0)  # no push bombing's count beside it
    expect(page.get_by_test_id("attack-kind")).to_have_value("brute_force")
    expect(page.get_by_test_id("attack-user")).to_have_value("amy")


def test_a_choice_made_before_the_report_is_read_stands(world: World, page: Any) -> None:
    """The trainer who picks another attack while the console loads keeps their choice: only the report is
    drawn again."""
    world.user("amy")
    world.device("amy", "dscplus", pin="1234")
    sign_in(page, world)
    stage_attack(page, "amy", "brute_force")
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_be_visible()
    held: list[Any] = []
    page.route("**/trainer/attacks/last", lambda route: held.append(route))
    page.reload()
    loaded(page.get_by_test_id("feed-state"))
    page.get_by_test_id("attack-kind").select_option("sim_swap")
    until = page.evaluate("Date.now()") + 15000
    while not held and page.evaluate("Date.now()") < until:
        page.evaluate("1")
    assert held, "the console never asked for the last attack"
    held[0].continue_()
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-kind")).to_have_value("sim_swap")

"""The console reloaded after an attack shows the last attack staged, whatever its kind, with the Attack and
the Victim it was staged with (``GET /trainer/attacks/last``). It drew the last push bombing's report beside
the Attack select's first choice ("Password spray") and the first user, and did so even after a brute force
staged since, as if the bombing were the last attack."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import attack_waiting, not_over, number_to_pick, stage_attack
from .pages_kit import PASSWORD, World, loaded
from .press_kit import hold, until_held
from .test_trainer_console import sign_in


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
    verdict = attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    _reloaded(page)
    expect(page.get_by_test_id("attack-answered")).to_contain_text("ivy answered 0 of 3 pushes")
    expect(verdict).to_have_text(not_over("ivy"))
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
    attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    result = page.get_by_test_id("attack-result")
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
    held = hold(page, "**/trainer/attacks/last")
    page.reload()
    loaded(page.get_by_test_id("feed-state"))
    page.get_by_test_id("attack-kind").select_option("sim_swap")
    until_held(held, page)
    held[0].continue_()
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-kind")).to_have_value("sim_swap")


def test_a_relay_answered_before_the_reload_shows_her_answer_whatever_comes_first(
    world: World, page: Any
) -> None:
    """A relay's report drawn again at the load still waits on her phone, as staged: her answer, given
    before the reload, is in the feed's backlog, which turns the verdict as her answer did live. The backlog
    came before the report was read, and was lost: "Not over yet" until the push expired, then "The
    defences held." though she had let the attacker in."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    verdict = attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    number = number_to_pick(page)
    world.approve_push(app, number)
    expect(verdict).to_have_attribute("data-verdict", "attacker_got_in")
    held = hold(page, "**/trainer/attacks/last")
    page.reload()
    # the backlog first (her approval among it), then the last attack's report
    expect(page.get_by_test_id("feed-event").filter(has_text="ivy").first).to_be_visible()
    expect(page.locator("[data-testid=feed-event][data-type='login.succeeded']")).not_to_have_count(0)
    until_held(held, page)
    held[0].continue_()
    expect(verdict).to_have_text("ivy picked the attacker's number: the attacker is in.")
    expect(verdict).to_have_attribute("data-verdict", "attacker_got_in")
    expect(page.get_by_test_id("attack-kind")).to_have_value("phishing_relay")


def test_a_wipe_before_the_attack_in_the_backlog_leaves_its_report(world: World, page: Any) -> None:
    """The feed's backlog (the last 30 min) can hold a reset of the world from before the attack: coming after
    the report was drawn again, it took the report with it, as a wipe made now would."""
    assert requests.post(world.url + "/admin/v1/reset", headers=world.admin, timeout=10).status_code == 200
    world.user("amy")
    world.device("amy", "dscplus", pin="1234")
    sign_in(page, world)
    stage_attack(page, "amy", "brute_force")
    verdict = page.get_by_test_id("attack-result").locator("[data-verdict]")
    expect(verdict).to_have_text("The defences held.")
    held = hold(page, "**/trainer/events*")
    page.reload()
    expect(verdict).to_have_text("The defences held.")  # drawn again before the feed's backlog
    until_held(held, page)
    for route in held:
        route.continue_()
    loaded(page.get_by_test_id("feed-state"))
    expect(page.locator("[data-testid=feed-event][data-type='emulator.reset']")).to_have_count(1)
    expect(page.locator("[data-testid=feed-event][data-type='login.password_failed']")).not_to_have_count(0)
    expect(verdict).to_have_text("The defences held.")


def test_an_attack_staged_while_the_last_one_is_still_read_hears_her_answer(world: World, page: Any) -> None:
    """The feed's events wait for the last attack's report at the load: one staged here meanwhile (that read
    never answered) hears them, and her answer to it, at once."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    held = hold(page, "**/trainer/attacks/last")  # never let go
    sign_in(page, world)
    until_held(held, page)
    verdict = attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    number = number_to_pick(page)
    world.approve_push(app, number)
    expect(verdict).to_have_text("ivy picked the attacker's number: the attacker is in.")

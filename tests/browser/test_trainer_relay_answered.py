"""A phishing relay's push answered by the victim without letting the attacker in: a wrong number picked
(number matching ends the login) or the push denied. The attacker's screen said "Stopped by IB Key's number
matching" at once, but the console's verdict stayed "Not over yet: the attacker waits on ivy's phone until
…" until the push's lifetime ran out, and the feed said the wrong pick as "Wrong IB Key code for ivy, from
127.0.0.1": an attempt from the phone's address, not the defence stopping the attacker's login."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import attack_waiting, number_to_pick, sign_in_trainer
from .pages_kit import PASSWORD, World

RELAY_IP = "198.51.100.200"


def _relay_waiting(world: World, page: Any) -> tuple[str, str]:
    """A relay on ivy staged from the console, its push waiting on her phone: her app, and the number the
    attacker's page shows (the report's)."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    attack_waiting(page, "ivy", "phishing_relay", PASSWORD)
    return app, number_to_pick(page)


def test_a_wrong_number_picked_ends_the_relay_s_wait_on_the_console(world: World, page: Any) -> None:
    app, number = _relay_waiting(world, page)
    [note] = world.notifications(app)
    wrong = next(str(c) for c in note["candidates"] if str(c) != number)
    world.approve_push(app, wrong, txn=note["txn_id"], status=401)

    verdict = page.get_by_test_id("attack-result").locator("[data-verdict]")
    expect(verdict).to_have_text("The defences held.")
    expect(verdict).not_to_have_attribute("data-waiting", "true")
    # the number is no longer to be picked: said in the past, not "must pick" under "The defences held."
    expect(page.get_by_test_id("attack-number")).to_have_text(f"The number the victim had to pick: {number}")
    expect(page.get_by_test_id("attack-late-refusal")).to_contain_text(
        "ivy picked the wrong number on their phone: number matching ended the attacker's login"
    )
    # said under the verdict and the number, in sight on a projector, not under the report's long sentences
    before = page.get_by_test_id("attack-late-refusal").evaluate(
        "e => e.previousElementSibling.dataset.testid"
    )
    assert before == "attack-number"
    # the feed says the defence, at the attacker's login's address, not a wrong code from the phone's
    line = page.get_by_test_id("feed-event").filter(has_text="picked the wrong number").first
    expect(line).to_contain_text(f"from {RELAY_IP} (attacker)")
    expect(line).to_contain_text("defence")
    expect(line).not_to_contain_text("127.0.0.1")


def test_a_denied_push_ends_the_relay_s_wait_on_the_console(world: World, page: Any) -> None:
    app, _ = _relay_waiting(world, page)
    [note] = world.notifications(app)
    world.deny_push(app, note)

    verdict = page.get_by_test_id("attack-result").locator("[data-verdict]")
    expect(verdict).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-late-refusal")).to_contain_text("denied")


def test_a_wrong_pick_on_one_bombing_login_leaves_the_others_waiting(
    world: World, page: Any, redis_url: str
) -> None:
    """A push bombing's many logins wait on her phone: one ended by a wrong pick leaves the rest, and the
    verdict still says what is pending; the feed says the defence that ended that one."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    verdict = attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    note = world.notifications(app)[0]
    # the number on the attacker's page: only the attacker sees it, so the test reads the login's record
    match = connect(redis_url).hget(f"sls:{{u:ivy}}:login:{note['txn_id']}", "match")
    assert match is not None
    wrong = next(str(c) for c in note["candidates"] if str(c) != match)
    world.approve_push(app, wrong, txn=note["txn_id"], status=401)

    line = page.get_by_test_id("feed-event").filter(has_text="picked the wrong number").first
    expect(line).to_contain_text("number matching ended the attacker's login")
    expect(verdict).to_have_attribute("data-waiting", "true")
    expect(verdict).to_contain_text("Not over yet")

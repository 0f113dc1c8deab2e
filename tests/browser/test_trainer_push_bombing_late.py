"""A push bombing staged from the console, then the victim approving one of its notifications with the right
number: the attack card's verdict turns from "Not over yet" to the attacker's win, as the feed shows
the attacker's login (``sim/attacker_waits.py``); or, the attacker refused by then, the card says so."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import attack_waiting, stage_attack
from .pages_kit import PASSWORD, World
from .test_trainer_console import sign_in


def bomb_and_approve_later(world: World, page: Any, redis_url: str, *, allow: list[str] | None = None) -> Any:
    """ivy bombed from the console, then (her allowlist set to ``allow`` first, if given) approving the first
    notification with its right number; the attack card's verdict."""
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    # logins still wait on her phone: the verdict says so, not "The defences held." (nothing has held yet)
    verdict = attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    expect(page.get_by_test_id("attack-result")).to_contain_text("the attacker is in (login.succeeded")
    if allow is not None:
        world.put("/admin/v1/users/ivy/ip-allowlist", {"ip_allowlist": allow})
    note = world.notifications(app)[0]
    # the number on the attacker's page: only the attacker sees it, so the test reads the login's record
    match = connect(redis_url).hget(f"sls:{{u:ivy}}:login:{note['txn_id']}", "match")
    assert match is not None
    world.approve_push(app, match, txn=note["txn_id"])
    return verdict


def test_the_victim_approving_a_bombing_push_later_turns_the_verdict(
    world: World, page: Any, redis_url: str
) -> None:
    verdict = bomb_and_approve_later(world, page, redis_url)
    expect(verdict).to_have_text("ivy approved one: the attacker is in.")
    expect(verdict).to_have_attribute("data-verdict", "attacker_got_in")


def test_the_attacker_refused_when_the_victim_approves_is_said_under_the_report(
    world: World, page: Any, redis_url: str
) -> None:
    """An allowlist set after the bombing leaves the attacker's address out: the card says why the approval
    let nobody in (``attack.wait_refused``), and counts it; the verdict is the server's, which waits on the
    two pushes still on her phone (it said "The defences held." at once, while they could still be approved),
    then concludes with the defences' once they expire."""
    verdict = bomb_and_approve_later(world, page, redis_url, allow=["127.0.0.1"])
    expect(page.get_by_test_id("attack-late-refusal")).to_contain_text(
        "ivy approved a push the attacker's login waited on, but the attacker was refused: the address is "
        "outside the account's IP restrictions"
    )
    expect(page.get_by_test_id("attack-answered")).to_have_text(
        re.compile(r"^ivy answered 1 of 3 pushes \(1 approved, the attacker refused\); 2 still wait on")
    )
    expect(verdict).to_have_text(re.compile(r"^Not over yet: "))
    world.advance(600)
    expect(verdict).to_have_text("The defences held.")


def test_a_bombing_staged_again_within_the_push_window_says_the_limit_was_spent(
    world: World, page: Any
) -> None:
    """A trainer staging the bombing a second time within the push window: the limit the first one spent
    sends no notification at all, and the card used to say only "Logins that got past the password asked
    for IB Key challenge/response (5): no notification", which leaves a room (and the trainer) asking why.
    It now says the limit was spent before this attack, and how to show the notifications again."""
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    world.post("/admin/v1/attacks", {"attack": "push_bombing", "username": "ivy", "password": PASSWORD})
    sign_in(page, world)
    stage_attack(page, "ivy", "push_bombing", PASSWORD)
    result = page.get_by_test_id("attack-result")
    expect(result.locator("[data-verdict]")).to_have_text("The defences held.")
    expect(result).to_contain_text(
        "No notification reached ivy's phone: the push limit (3 in 10 min) was spent before this attack began"
    )
    expect(result).to_contain_text(
        "move the clock on 10 min (the console's +15 min, or sls clock --advance 10m)"
    )
    expect(result).not_to_contain_text("Logins that got past the password")

"""The SIM swap against "Forgot your password?" staged from the console, stopped at IB Key on the victim's
own phone: the attacker's page waits on its push. The verdict said "The defences held." at once, and her
approval afterwards (the right number) was a breach in the feed that changed nothing. Now the verdict says
what is pending, turns to the attacker's win when she approves (the attacker sets a password), and to the
defences' when she denies."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import attack_waiting, sign_in_trainer
from .pages_kit import World


def _reset_waiting(world: World, page: Any) -> tuple[str, dict[str, Any], Any]:
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)
    verdict = attack_waiting(page, "ivy", "sim_swap_reset")
    [note] = world.notifications(app)
    return app, note, verdict


def test_her_approval_of_the_reset_turns_the_verdict(world: World, page: Any, redis_url: str) -> None:
    app, note, verdict = _reset_waiting(world, page)
    match = connect(redis_url).hget(f"sls:{{u:ivy}}:login:{note['txn_id']}", "match")
    assert match is not None
    world.approve_push(app, match, txn=note["txn_id"])
    expect(verdict).to_have_text(
        "ivy approved the attacker's password reset: the attacker sets a password of their own."
    )
    expect(verdict).to_have_attribute("data-verdict", "attacker_got_in")
    expect(page.get_by_test_id("event-feed")).to_contain_text("Password reset for ivy went through")


def test_her_denial_of_the_reset_ends_the_wait(world: World, page: Any) -> None:
    app, note, verdict = _reset_waiting(world, page)
    world.deny_push(app, note)
    expect(verdict).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-late-refusal")).to_contain_text("denied the attacker's password reset")

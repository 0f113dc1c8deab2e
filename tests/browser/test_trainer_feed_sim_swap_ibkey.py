"""The live feed through a SIM swap of an IB Key user without a card, the demo's lesson: the attacker
migrates her IB Key to their handset and approves their own login there, then resets her password the same
way. The feed said "ivy approved the attacker's login request on their phone" (she did nothing: the phone
that tapped it was the attacker's, at the attacker's address) and "Push sent to ivy's phone for the
attacker's login" for the push that confirmed a password reset."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .console_kit import sign_in_trainer, stage_attack
from .pages_kit import PASSWORD, World

ATTACKER = r"198\.51\.100\.\d+ \(attacker\)"


def said(page: Any, kind: str) -> Any:
    return page.locator(f"[data-testid=feed-event][data-type='{kind}']").first.get_by_test_id("feed-said")


def test_the_attacker_s_own_approval_and_password_reset_read_as_the_attacker_s(
    world: World, page: Any
) -> None:
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in_trainer(page, world)

    stage_attack(page, "ivy", "sim_swap", PASSWORD)
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_have_text(
        "The attacker got in."
    )
    expect(said(page, "push.approved")).to_have_text(
        re.compile(
            r"^The attacker approved the push on their own handset, where ivy's IB Key now is, from "
            + ATTACKER
            + "$"
        )
    )
    expect(said(page, "push.sent")).to_have_text(
        re.compile(r"^Push sent to ivy's phone for the attacker's login, from " + ATTACKER + "$")
    )

    stage_attack(page, "ivy", "sim_swap_reset")
    expect(page.get_by_test_id("attack-result").locator("[data-verdict]")).to_have_text(
        "The attacker got in."
    )
    expect(said(page, "push.sent")).to_have_text(
        re.compile(
            r"^Push sent to ivy's phone to confirm a password reset the attacker asked for, from "
            + ATTACKER
            + "$"
        )
    )
    expect(said(page, "push.approved")).to_contain_text("The attacker approved the push on their own handset")

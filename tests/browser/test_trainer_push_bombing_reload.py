"""A push bombing staged from the console, the console reloaded while the victim answers: it shows the same
report, count of her answers and verdict, the server's (``GET /trainer/attacks/push-bombing``). The console
counted her answers in the browser: a reload lost the report, the count, and the verdict, which could then
only fall back to the pushes' expiry."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .console_kit import attack_waiting, not_over
from .pages_kit import PASSWORD, World, loaded
from .test_trainer_console import sign_in


def test_a_reload_mid_attack_keeps_the_count_and_the_verdict(world: World, page: Any) -> None:
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    verdict = attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    result = page.get_by_test_id("attack-result")
    first, second, last = world.notifications(app)
    world.deny_push(app, first)
    count = page.get_by_test_id("attack-answered")
    expect(count).to_have_text(re.compile(r"^ivy answered 1 of 3 pushes \(1 denied\); 2 still wait on"))
    page.reload()
    loaded(page.get_by_test_id("feed-state"))
    # the same report, count and verdict, read from the server
    expect(result).to_contain_text("3 notifications reached the victim's phone")
    expect(count).to_have_text(re.compile(r"^ivy answered 1 of 3 pushes \(1 denied\); 2 still wait on"))
    expect(verdict).to_have_text(not_over("ivy"))
    # and it goes on counting after the reload, to the verdict at her last answer, not at the pushes' expiry
    world.deny_push(app, second)
    expect(count).to_have_text(re.compile(r"^ivy answered 2 of 3 pushes \(2 denied\); 1 still wait"))
    world.deny_push(app, last)
    expect(verdict).to_have_text("The defences held.")
    expect(verdict).to_have_attribute("data-verdict", "defences_held")
    expect(count).to_have_text("ivy answered 3 of 3 pushes (3 denied).")
    expect(page.get_by_test_id("attack-all-answered")).to_have_text(
        "ivy answered every push: none waits on their phone now, and the attacker is not in."
    )
    page.reload()
    loaded(page.get_by_test_id("feed-state"))
    expect(verdict).to_have_text("The defences held.")
    expect(count).to_have_text("ivy answered 3 of 3 pushes (3 denied).")


def test_a_reload_after_the_pushes_expired_says_the_defences_held(world: World, page: Any) -> None:
    world.user("ivy", "+15555550103")
    world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    verdict = attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    world.advance(600)
    page.reload()
    loaded(page.get_by_test_id("feed-state"))
    expect(verdict).to_have_text("The defences held.")
    expect(page.get_by_test_id("attack-answered")).to_have_text(
        "ivy answered 0 of 3 pushes; 3 expired unanswered."
    )

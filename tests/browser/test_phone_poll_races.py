"""The phone page's network conditions against a slow poll: a poll asked before a switch was saved and
answered after the save's answer carries the conditions from before; it drew them back over the user's
choice once the focus had left the form (a loaded machine, a slow link). Such an answer is dropped now."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from .pages_kit import World
from .phone_poll_kit import count_states, hold_next_poll, states_drawn

NUMBER = "+15555550192"


def test_a_poll_asked_before_a_condition_was_saved_does_not_undo_it(world: World, page: Any) -> None:
    world.user("cora", phone=NUMBER)
    page.goto(f"{world.url}/sim/phone/cora")
    blocks = page.get_by_test_id("cond-carrier-blocks-sms")
    summary = page.get_by_test_id("cond-summary")
    expect(summary).to_have_text("Normal network.")  # the first poll is drawn
    state_url = f"{world.url}/sim/phone/cora/state"
    before = page.request.get(state_url)  # the conditions before the switch: the held poll's answer
    assert before.ok and before.json()["conditions"]["carrier_blocks_sms"] is False
    held = hold_next_poll(page, state_url)
    count_states(page)
    blocks.check()
    states_drawn(page, 1)  # the save's own answer
    expect(summary).to_contain_text("texts are dropped")
    page.get_by_test_id("phone-tab-messages").focus()  # the focus leaves the form
    count_states(page)
    held.fulfill(status=200, content_type="application/json", body=before.body())
    # the stale answer without the fix, the next poll with it; read once, not retried: the poll after the
    # stale one would draw the switch right again
    assert states_drawn(page, 1) == 1 and blocks.is_checked()
    expect(summary).to_contain_text("texts are dropped")

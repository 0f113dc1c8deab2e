"""A push bombing whose every notification the victim answered without letting the attacker in: the console's
verdict concludes "The defences held." at once, not "Not over yet" until the pushes' lifetime runs out.

The report left ``waiting`` (its logins keep polling, ``sim/attacker_waits.py``), and the card turned only on
an approval or on the clock passing the last push's expiry: after ivy denied the last notification there was
nothing left pending, yet it said the attacker still waited on her phone for minutes."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from sls_server.store import connect

from .console_kit import attack_waiting, not_over
from .pages_kit import PASSWORD, World
from .test_trainer_console import sign_in


def test_every_bombing_push_answered_concludes_the_verdict(world: World, page: Any, redis_url: str) -> None:
    world.user("ivy", "+15555550103")
    app = world.ibkey("ivy", "+15555550103")
    sign_in(page, world)
    verdict = attack_waiting(page, "ivy", "push_bombing", PASSWORD)
    notes = world.notifications(app)
    assert len(notes) >= 2, notes
    first, *middle, last = notes
    # a wrong number picked ends that login too (number matching)
    match = connect(redis_url).hget(f"sls:{{u:ivy}}:login:{first['txn_id']}", "match")
    assert match is not None
    wrong = next(c for c in first["candidates"] if c != match)
    world.approve_push(app, wrong, txn=first["txn_id"], status=401)
    for note in middle:
        world.deny_push(app, note)
    feed = page.get_by_test_id("feed-event")
    expect(feed.filter(has_text="denied")).to_have_count(len(middle))  # the console has read those answers
    expect(feed.filter(has_text="picked the wrong number")).to_have_count(1)
    expect(verdict).to_have_text(not_over("ivy"))  # one push still waits
    answered = page.get_by_test_id("attack-all-answered")
    expect(answered).to_have_count(0)
    world.deny_push(app, last)
    expect(verdict).to_have_text("The defences held.")
    expect(verdict).to_have_attribute("data-verdict", "defences_held")
    # the report's sentences were written while the pushes waited ("keeps waiting on them until ..."): the
    # line under the verdict says they no longer do, where a room reads it first
    expect(answered).to_have_text(
        "ivy answered every push: none waits on their phone now, and the attacker is not in."
    )

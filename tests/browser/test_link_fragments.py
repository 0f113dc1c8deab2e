"""A link's fragment is the linker's text: a page must not let it stop the page's scripts.

``common.js`` opens the ``<details>`` a link's fragment names (``#other-devices``), decoding the fragment
first. A fragment that is no valid percent-encoding (``#%``, a cut ``%E0%A4%A``) made ``decodeURIComponent``
throw while ``window.SLS`` was being built, so every script of the page that uses it (the account page's
automatic-logoff countdown and warning, the push step's poll, the console's feed) never started: a link
anyone can send turned them off.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from .pages_kit import World, log_in_with_card, on_the_card_step_beside_an_app


@pytest.mark.parametrize("fragment", ["#%", "#%E0%A4%A", "#%zz"])
def test_a_malformed_fragment_leaves_the_account_page_s_countdown_running(
    world: World, page: Any, fragment: str
) -> None:
    log_in_with_card(page, world, "nora")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("about:blank")  # a page load between, so the account page's scripts run afresh
    page.goto(world.url + "/account" + fragment)
    expect(page.get_by_test_id("session-countdown")).to_have_text(re.compile(r"^1[45]:\d\d$"))
    world.advance(14 * 60)
    expect(page.get_by_test_id("logoff-warning")).to_be_visible()
    assert errors == []


def test_a_fragment_naming_a_details_still_opens_it(world: World, page: Any) -> None:
    """What the fragment is for still works: a percent-encoded id is decoded and its ``<details>`` opened."""
    on_the_card_step_beside_an_app(page, world, "otto", "+15555550161")
    step = page.url.split("#")[0]
    page.goto("about:blank")
    page.goto(step + "#%6Fther-devices")  # "other-devices", its "o" percent-encoded
    expect(page.get_by_test_id("switch-totp")).to_be_visible()

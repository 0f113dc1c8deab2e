"""Sign-ins to the trainer console and the simulator pages end on the server: a second browser given a copy
of the cookies is signed out with the first (``auth.console``; the API-level cases are in
``tests/api/test_console_sign_ins.py``)."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import World

SIM_TOKEN = "sim-token-for-the-trainer-0123"


def test_sign_out_everywhere_signs_out_a_browser_holding_a_copy_of_the_cookie(
    world: World, page: Any, open_context: Any
) -> None:
    sign_in_trainer(page, world)
    elsewhere = open_context()
    elsewhere.add_cookies(page.context.cookies())
    copy = elsewhere.new_page()
    copy.goto(world.url + "/trainer")
    expect(copy.get_by_test_id("trainer-sign-out")).to_be_visible()

    page.get_by_test_id("trainer-sign-out-all").click()

    expect(page.get_by_test_id("trainer-token")).to_be_visible()
    copy.reload()
    expect(copy.get_by_test_id("trainer-token")).to_be_visible()


def test_the_simulators_sign_in_ends_when_the_operator_ends_them_all_and_on_sign_out(
    browser: Any, shared_serve: Any, page: Any, admin_headers: dict[str, str]
) -> None:
    server = shared_serve(workers=1, SLS_SIM_TOKEN=SIM_TOKEN)
    page.goto(server.url + "/sim")
    page.get_by_test_id("sim-token").fill(SIM_TOKEN)
    page.get_by_test_id("sim-token-submit").click()
    expect(page.get_by_test_id("sim-empty")).to_be_visible()

    ended = requests.delete(server.url + "/admin/v1/console/sign-ins", headers=admin_headers, timeout=10)

    assert ended.status_code == 200 and ended.json() == {"trainer": 0, "sim": 1}
    page.reload()
    expect(page.get_by_test_id("sim-token")).to_be_visible()
    page.get_by_test_id("sim-token").fill(SIM_TOKEN)
    page.get_by_test_id("sim-token-submit").click()
    page.get_by_test_id("sim-sign-out").click()
    expect(page.get_by_test_id("sim-token")).to_be_visible()

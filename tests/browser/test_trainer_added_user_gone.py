"""The console's *Add a user* answer (what the enrolment returns once: an app's secret and QR code, a card's
key, a link to the user's phone) stayed on the page after the user it names was gone: a world reset between
two classes left the last class's QR code and secret on the projector, for a user who no longer exists, its
"Open zed's phone" a link to a missing phone, until a reload."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .console_kit import add_user_on_the_console, sign_in_trainer
from .pages_kit import World


def _add_zed(page: Any) -> Any:
    """zed added from the console with an authenticator app; the answer shown once, below the form."""
    add_user_on_the_console(page, "zed", "totp")
    result = page.get_by_test_id("add-user-result")
    expect(result.get_by_test_id("once-secret_b32")).to_be_visible()
    expect(page.get_by_test_id("trainer-user-zed")).to_be_visible()
    return result


def test_a_world_reset_takes_the_added_user_s_secret_off_the_page(world: World, page: Any) -> None:
    sign_in_trainer(page, world)
    result = _add_zed(page)
    page.get_by_test_id("world-reset").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("trainer-user-zed")).to_have_count(0)
    expect(result).to_be_empty()
    expect(page.get_by_test_id("once-qr")).to_have_count(0)


def test_the_added_user_deleted_elsewhere_takes_their_secret_off_the_page(world: World, page: Any) -> None:
    """Deleted with `sls user delete` (the admin API): the console hears it from the feed, and the answer
    goes with the row."""
    world.user("amy")
    sign_in_trainer(page, world)
    result = _add_zed(page)
    gone = requests.delete(world.url + "/admin/v1/users/amy", headers=world.admin, timeout=10)
    assert gone.status_code == 200, gone.text
    expect(page.get_by_test_id("trainer-user-amy")).to_have_count(0)
    expect(result.get_by_test_id("once-secret_b32")).to_be_visible()  # another user's going leaves it
    gone = requests.delete(world.url + "/admin/v1/users/zed", headers=world.admin, timeout=10)
    assert gone.status_code == 200, gone.text
    expect(page.get_by_test_id("trainer-user-zed")).to_have_count(0)
    expect(result).to_be_empty()

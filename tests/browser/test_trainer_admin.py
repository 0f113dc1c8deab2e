"""The trainer console's administration in Chromium: what a trainer preparing a demo does without the CLI.
Add a user with a card, watch them log in elsewhere, end their sessions, disable them, save the world,
reset it and load it back; refusals shown next to the field they name; the table's redraws never taking the
trainer's open panel, half-typed words or focus. What a trainer does in one user's Manage panel is
``test_trainer_user_panel``'s."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from sls_server.secretbox import SecretBox, device_box
from sls_server.store import connect, keys

from .a11y_kit import tab_to
from .console_kit import add_user_on_the_console, sign_in_trainer
from .pages_kit import CARD_KEY, World, admin_get, log_in_over_the_api


def test_a_trainer_prepares_a_user_saves_the_world_resets_and_loads_it_back(
    world: World, page: Any, tmp_path: Path
) -> None:
    sign_in_trainer(page, world)
    add_user_on_the_console(page, "dana", "dscplus", pin="2468")
    result = page.get_by_test_id("add-user-result")
    expect(result).to_contain_text("dana was added with")
    expect(result.get_by_test_id("once-secret_hex")).to_have_text(CARD_KEY)
    expect(result.get_by_test_id("once-pin")).to_have_text("2468")
    card = result.get_by_test_id("once-device_id").inner_text()
    expect(page.get_by_test_id("trainer-user-dana")).to_be_visible()
    status = page.get_by_test_id("trainer-admin-status")
    expect(status).to_contain_text("dana was added")

    log_in_over_the_api(world, "dana", card, "2468")
    expect(page.get_by_test_id("trainer-sessions-dana")).to_have_text("1 live")
    page.get_by_test_id("trainer-manage-dana").click()
    expect(page.get_by_test_id("trainer-manage-dana")).to_have_attribute("aria-expanded", "true")
    page.get_by_test_id("trainer-end-sessions-dana").click()
    expect(status).to_have_text("1 session of dana ended.")
    expect(page.get_by_test_id("trainer-sessions-dana")).to_have_text("none")
    assert admin_get(world, "/users/dana/sessions")["sessions"] == []

    page.get_by_test_id("trainer-disable-dana").click()
    expect(page.get_by_test_id("trainer-lock-dana")).to_contain_text("disabled")
    expect(page.get_by_test_id("trainer-enable-dana")).to_be_focused()  # focus survives the redraw
    assert admin_get(world, "/users/dana")["disabled"] is True

    with page.expect_download() as saving:
        page.get_by_test_id("world-save").click()
    saved = tmp_path / saving.value.suggested_filename
    saving.value.save_as(saved)
    assert saved.name.startswith("sls-world-") and saved.suffix == ".json"
    assert [u["record"]["username"] for u in json.loads(saved.read_text())["users"]] == ["dana"]
    world_status = page.get_by_test_id("world-status")
    expect(world_status).to_contain_text("The world is saved as sls-world-")

    page.get_by_test_id("world-reset").click()
    expect(page.get_by_test_id("trainer-confirm")).to_be_visible()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("trainer-user-dana")).to_have_count(0)
    assert admin_get(world, "/users")["users"] == []

    page.get_by_test_id("world-file").set_input_files(str(saved))
    page.get_by_test_id("world-load").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(world_status).to_contain_text("is loaded: 1 user, 1 device")
    expect(page.get_by_test_id("trainer-lock-dana")).to_contain_text("disabled")
    assert admin_get(world, "/users/dana")["devices"][0]["device_id"] == card


def test_refusals_show_next_to_their_field_and_change_nothing(world: World, page: Any) -> None:
    world.user("erin")
    sign_in_trainer(page, world)
    add_user_on_the_console(page, "dana", "dscplus", pin="12")
    expect(page.get_by_test_id("add-user-error-pin")).to_have_text(
        '"Card PIN" must be exactly 4 digits (0-9)'
    )
    expect(page.get_by_test_id("add-user-pin")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("add-user-pin")).to_be_focused()  # the trainer types there next
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text(
        '"Card PIN" must be exactly 4 digits (0-9)'
    )
    assert admin_get(world, "/users")["users"] == ["erin"]

    page.get_by_test_id("trainer-manage-erin").click()
    page.get_by_test_id("trainer-allowlist-erin").fill("203.0.113.7, not-an-address")
    page.get_by_test_id("trainer-allowlist-save-erin").click()
    expect(page.get_by_test_id("trainer-allowlist-error-erin")).to_contain_text("not-an-address")
    expect(page.get_by_test_id("trainer-allowlist-erin")).to_be_focused()
    assert admin_get(world, "/users/erin/ip-allowlist")["ip_allowlist"] == []

    page.get_by_test_id("world-file").set_input_files(
        {"name": "notes.json", "mimeType": "application/json", "buffer": b'{"users": 5}'}  # JSON, no world
    )
    page.get_by_test_id("world-load").click()
    page.get_by_test_id("trainer-confirm-yes").click()
    refused = "notes.json was not loaded, and nothing changed"
    expect(page.get_by_test_id("world-error")).to_contain_text(refused)
    assert admin_get(world, "/users")["users"] == ["erin"]


def test_a_redraw_keeps_the_open_panel_the_words_typed_and_the_focus(world: World, page: Any) -> None:
    world.user("erin")
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-erin").click()
    field = page.get_by_test_id("trainer-allowlist-erin")
    field.fill("203.0.113.0/24")
    field.focus()
    world.user("zoe")  # an event: the table is drawn anew, with zoe in it
    expect(page.get_by_test_id("trainer-user-zoe")).to_be_visible()
    expect(page.get_by_test_id("trainer-panel-erin")).to_be_visible()
    expect(field).to_have_value("203.0.113.0/24")
    expect(field).to_be_focused()
    page.keyboard.press("Enter")  # the field's form is submitted
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text("erin's IP allowlist: 203.0.113.0/24.")
    assert admin_get(world, "/users/erin/ip-allowlist")["ip_allowlist"] == ["203.0.113.0/24"]


def test_deleting_asks_first_and_cancel_changes_nothing(world: World, page: Any) -> None:
    world.user("erin")
    sign_in_trainer(page, world)
    page.get_by_test_id("trainer-manage-erin").click()
    page.get_by_test_id("trainer-delete-erin").click()
    expect(page.get_by_test_id("trainer-confirm")).to_contain_text("Delete erin?")
    page.get_by_test_id("trainer-confirm-no").click()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text("Nothing was changed.")
    assert admin_get(world, "/users")["users"] == ["erin"]
    page.get_by_test_id("trainer-delete-erin").click()
    world.user("zoe")  # the table is drawn anew behind the dialog: its Delete button is another one now
    expect(page.get_by_test_id("trainer-user-zoe")).to_be_visible()
    page.get_by_test_id("trainer-confirm-yes").click()
    expect(page.get_by_test_id("trainer-user-erin")).to_have_count(0)
    expect(page.locator("#users-title")).to_be_focused()  # the row is gone: focus on the table's heading
    assert admin_get(world, "/users")["users"] == ["zoe"]


def test_the_administration_with_the_keyboard_alone(world: World, page: Any) -> None:
    """Tab and Enter reach every step; the dialog takes the focus to its safe answer, Escape cancels it and
    gives the focus back; a button that gives way to its counterpart hands the focus on to it."""
    world.user("erin")
    sign_in_trainer(page, world)
    manage = page.get_by_role("button", name="Manage erin")
    tab_to(page, manage)
    page.keyboard.press("Enter")
    expect(manage).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("trainer-disable-erin")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("trainer-enable-erin")).to_be_focused()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text("erin is disabled.")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("trainer-delete-erin")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("trainer-confirm-no")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("trainer-confirm")).to_be_hidden()
    expect(page.get_by_test_id("trainer-delete-erin")).to_be_focused()
    expect(page.get_by_test_id("trainer-admin-status")).to_have_text("Nothing was changed.")
    assert admin_get(world, "/users")["users"] == ["erin"]


def test_on_a_phone_the_console_itself_never_scrolls_sideways(world: World, open_context: Any) -> None:
    """Only the users table's own box scrolls: its visually hidden "Actions" header (absolutely placed)
    escaped the box, which placed nothing, and widened the whole page by 64 px at 390 once the table was wide
    enough to put that header past the screen's edge."""
    for name in ("carol", "office-olga-long", "multi-mia-x"):
        world.user(name, phone="+15555550150")
        world.device(name, "dscplus", pin="2468")
        world.device(name, "totp")
    phone = open_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    sign_in_trainer(page, world)
    expect(page.get_by_test_id("trainer-manage-carol")).to_be_visible()  # the table is drawn
    page_width, table_width, view = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.querySelector('.table-wrap').scrollWidth, window.innerWidth]"
    )
    assert table_width > view + 40  # far wider than a phone: its box scrolls, not the page
    assert page_width <= view, (page_width, view)


def test_the_console_reseals_a_card_an_older_server_sealed_under_the_key_itself(
    sls_serve: Any, admin_headers: dict[str, str], redis_url: str, page: Any
) -> None:
    key = bytes.fromhex("6c" * 32)
    world = World(sls_serve(workers=1, SLS_SECRET_KEY=key.hex()).url, admin_headers)
    world.user("erin")
    card = world.device("erin", "dscplus", pin="1357")["device_id"]
    where, context = keys.device(card), f"dscplus:{card}"
    client = connect(redis_url)
    try:
        sealed = device_box(key).open(client.hget(where, "sealed"), context)
        client.hset(where, "sealed", SecretBox(key).seal(sealed, context))  # as a server before v2 left it
        assert admin_get(world, "/state/secrets")["older"] == 1
        sign_in_trainer(page, world)
        status = page.get_by_test_id("world-status")

        page.get_by_test_id("world-reseal").click()

        expect(status).to_have_text("1 secret sealed again as v2; none is left under the secret key itself.")
        assert client.hget(where, "sealed").startswith("v2:")
        assert admin_get(world, "/state/secrets")["older"] == 0
        log_in_over_the_api(world, "erin", card, "1357")
        page.get_by_test_id("world-reseal").click()
        expect(status).to_have_text("Nothing to re-seal: every secret is sealed as v2.")
    finally:
        client.close()


def test_the_clock_and_the_world_say_their_outcome_in_their_own_card(world: World, page: Any) -> None:
    """The outcome of Set, the clock buttons, Save, Load and Re-seal was written only in the Users card's
    status line, 1000 px above the button used. Each card has its own line now (role=status), and only the
    latest outcome stands: the others are emptied."""
    sign_in_trainer(page, world)
    clock_card = page.locator("section[aria-labelledby=clock-title]")
    world_card = page.locator("section[aria-labelledby=world-title]")
    users_line = page.get_by_test_id("trainer-admin-status")

    page.get_by_test_id("clock-set-at").fill("2031-05-06T07:08:09")
    page.get_by_test_id("clock-set").click()
    expect(clock_card.get_by_role("status")).to_have_text("The clock is set to 2031-05-06 07:08:09 UTC.")
    expect(users_line).to_be_empty()
    page.get_by_test_id("clock-freeze").click()
    expect(clock_card.get_by_role("status")).to_have_text(
        re.compile(r"^The clock is now 2031-05-06 .* UTC, frozen\.$")
    )

    with page.expect_download():
        page.get_by_test_id("world-save").click()
    expect(world_card.get_by_role("status")).to_contain_text("The world is saved as sls-world-")
    expect(page.get_by_test_id("clock-status")).to_be_empty()  # one outcome on the page: the latest
    page.get_by_test_id("world-reseal").click()
    expect(world_card.get_by_role("status")).to_have_text(re.compile(r"^Nothing to re-seal"))
    page.get_by_test_id("world-reset").click()
    page.get_by_test_id("trainer-confirm-no").click()
    expect(world_card.get_by_role("status")).to_have_text("Nothing was changed.")
    expect(users_line).to_be_empty()


def test_an_add_user_form_with_several_mistakes_marks_them_all_at_once(world: World, page: Any) -> None:
    """One field a submit before: the trainer fixed the username, sent it again, then heard of the PIN."""
    sign_in_trainer(page, world)
    page.get_by_test_id("add-user-type").select_option("dscplus")
    page.get_by_test_id("add-user-phone").fill("555-0100")
    page.get_by_test_id("add-user-submit").click()
    for field in ("username", "password", "phone", "pin"):
        expect(page.get_by_test_id(f"add-user-error-{field}")).not_to_be_empty()
        expect(page.get_by_test_id(f"add-user-{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("add-user-error-pin")).to_have_text(
        '"Card PIN" is required: the card\'s 4-digit PIN'
    )
    expect(page.get_by_test_id("add-user-username")).to_be_focused()  # the first of them

    # a username's form and the password policy are judged after the shapes: marked with the rest
    page.get_by_test_id("add-user-username").fill("x")
    page.get_by_test_id("add-user-password").fill("short")
    page.get_by_test_id("add-user-pin").fill("12")
    page.get_by_test_id("add-user-submit").click()
    expect(page.get_by_test_id("add-user-error-username")).to_contain_text(
        '"Username" must be 3-64 characters'
    )
    expect(page.get_by_test_id("add-user-error-password")).to_contain_text("Too short")
    expect(page.get_by_test_id("add-user-error-pin")).to_have_text(
        '"Card PIN" must be exactly 4 digits (0-9)'
    )
    expect(page.get_by_test_id("add-user-error-phone")).not_to_be_empty()
    assert admin_get(world, "/users")["users"] == []

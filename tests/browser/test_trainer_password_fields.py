"""The console's *New password* forms, one in each user's Manage panel: a password field alone in its form,
so Chromium warned once per user ("Password forms should have (optionally hidden) username fields") and a
password manager had no name to file the new password under but the trainer's own sign-in. Each form now
carries its user's name, hidden, as the field a password manager and assistive technology look for."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .pages_kit import World
from .test_trainer_console import sign_in


# The warning comes from Chrome's password manager, which the headless shell the other tests drive lacks.
@pytest.mark.full_chromium
def test_each_new_password_form_names_its_user_and_chromium_warns_of_none(world: World, page: Any) -> None:
    world.user("carl")
    world.user("mia")
    warned: list[str] = []
    page.on("console", lambda m: warned.append(m.text) if "Password forms should have" in m.text else None)
    sign_in(page, world)
    for name in ("carl", "mia"):
        form = page.locator(f"form[data-admin-form=password][data-user={name}]")
        expect(form.locator("input[autocomplete=username]")).to_have_value(name)
    page.get_by_test_id("trainer-manage-mia").click()
    page.get_by_test_id("trainer-password-mia").fill("granite-orbit-willow-4")
    page.get_by_test_id("trainer-password-save-mia").click()
    expect(page.get_by_test_id("trainer-admin-status")).to_contain_text("mia's password was set")
    assert not warned, warned

"""Reloading the login page (and the trainer console's sign-in) after a wrong answer, in Chromium: every
form's POST answers 303 to a GET, so a reload (or Back and Forward) asks for the page again and never re-sends
the password, the code or the token, with no "Confirm Form Resubmission" and no attempt spent against the
lockout; the refusal is said once."""

from __future__ import annotations

from typing import Any

import requests
from playwright.sync_api import expect

from .pages_kit import World, log_in_with_password


def _failures(world: World, username: str) -> int:
    """The user's failed password attempts as the lockout counts them (the admin API's view)."""
    answer = requests.get(f"{world.url}/admin/v1/users/{username}/lockout", headers=world.admin, timeout=10)
    return max((bucket["failures"] for bucket in answer.json()["buckets"].values()), default=0)


def _wrong_codes(world: World) -> int:
    """Wrong second-factor answers the server judged (its audit trail)."""
    path = "/admin/v1/events?type=login.second_factor_failed&limit=1000"
    return len(requests.get(world.url + path, headers=world.admin, timeout=10).json()["events"])


def _watch(page: Any) -> tuple[list[str], list[str]]:
    """Every request's method and every dialog the page opens, from now on."""
    methods: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: methods.append(request.method))

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", refuse)
    return methods, dialogs


def test_a_reload_after_a_wrong_password_resends_nothing(world: World, page: Any) -> None:
    world.user("ruth")
    world.device("ruth", "dscplus", pin="2468")
    log_in_with_password(page, world.url, "ruth", "not-the-password-1")
    expect(page.get_by_test_id("login-error")).to_contain_text("incorrect")
    assert _failures(world, "ruth") == 1

    methods, dialogs = _watch(page)
    page.reload()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert "POST" not in methods and dialogs == []
    assert _failures(world, "ruth") == 1
    expect(page.get_by_test_id("login-error")).to_have_count(0)  # said once: nothing was refused again
    assert page.url.startswith(world.url + "/?told=")  # this tab's own refusal, not the next person's
    page.go_back()
    page.go_forward()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    assert "POST" not in methods and dialogs == []
    assert _failures(world, "ruth") == 1


def test_a_reload_after_a_wrong_code_resends_nothing(world: World, page: Any) -> None:
    world.user("saul")
    world.device("saul", "dscplus", pin="2468")
    log_in_with_password(page, world.url, "saul")
    page.get_by_test_id("step-response").fill("00000000")
    page.get_by_test_id("step-submit").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("not valid")
    step_url = page.url
    assert "/login/" in step_url and "00000000" not in step_url
    assert _wrong_codes(world) == 1

    methods, dialogs = _watch(page)
    page.reload()
    expect(page.get_by_test_id("step-response")).to_be_visible()
    assert "POST" not in methods and dialogs == []
    assert _wrong_codes(world) == 1
    expect(page.get_by_test_id("step-error")).to_have_count(0)
    page.go_back()
    page.go_forward()
    expect(page.get_by_test_id("step-response")).to_be_visible()
    assert page.url == step_url
    assert "POST" not in methods and dialogs == []
    assert _wrong_codes(world) == 1


def _sign_in_failures(world: World) -> int:
    path = "/admin/v1/events?type=trainer.sign_in_failed&limit=100"
    return len(requests.get(world.url + path, headers=world.admin, timeout=10).json()["events"])


def test_a_reload_after_a_wrong_admin_token_resends_nothing(world: World, page: Any) -> None:
    page.goto(world.url + "/trainer")
    page.get_by_test_id("trainer-token").fill("wrong-token-0000000000")
    page.get_by_test_id("trainer-sign-in").click()
    expect(page.get_by_test_id("trainer-error")).to_be_visible()
    assert page.url == world.url + "/trainer"  # nothing about the refusal in the address
    assert _sign_in_failures(world) == 1

    methods, dialogs = _watch(page)
    page.reload()
    expect(page.get_by_test_id("trainer-token")).to_be_visible()
    expect(page.get_by_test_id("trainer-error")).to_have_count(0)  # said once: nothing was refused again
    page.go_back()
    page.go_forward()
    expect(page.get_by_test_id("trainer-token")).to_be_visible()
    assert "POST" not in methods and dialogs == []
    assert _sign_in_failures(world) == 1

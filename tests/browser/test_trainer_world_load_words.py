"""The console's *Load a world* given a file that is no world document: it said "notes.json was not loaded,
and nothing changed: the body is not valid JSON (body)", the API's words for the request (a body the trainer
never sent, a field named body), after asking whether to replace the world with it."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .console_kit import sign_in_trainer
from .pages_kit import World


@pytest.mark.parametrize("content", [b"not a world", b"[1, 2]", b'{"users": [}'])
def test_a_file_that_is_no_world_document_is_named_and_refused_first(
    world: World, page: Any, content: bytes
) -> None:
    world.user("erin")
    sign_in_trainer(page, world)
    page.get_by_test_id("world-file").set_input_files(
        {"name": "notes.json", "mimeType": "application/json", "buffer": content}
    )
    page.get_by_test_id("world-load").click()
    said = "notes.json is not a world document (JSON): it was not loaded, and nothing changed."
    expect(page.get_by_test_id("world-error")).to_have_text(said)
    expect(page.get_by_test_id("trainer-confirm")).to_be_hidden()  # not asked to replace the world with it
    users = requests.get(world.url + "/admin/v1/users", headers=world.admin, timeout=10).json()["users"]
    assert users == ["erin"]

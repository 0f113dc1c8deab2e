"""The room's view of a server ``sls scenario demo --host 0.0.0.0`` starts: a browser on another machine opens
the trainer console at this machine's network address (over plain HTTP, not a secure context) and signs in.

Such a browser sends no ``Sec-Fetch-Site`` (only secure contexts, and http://localhost is one, get it), so
``http.crosssite`` judges its form posts by ``Origin``; under the pages' former ``Referrer-Policy:
no-referrer`` that was ``Origin: null``, and every cookie-bearing POST (the console's sign-in, the portal's
login) was refused as cross-site. ``Referrer-Policy: same-origin`` sends the real Origin to our own pages
and still no referrer onward. The same held for ``sls serve`` and ``sls demo`` with ``--host 0.0.0.0``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from over_http_kit import network_address
from playwright.sync_api import expect

from sls_scenarios.server import ChildServer


@pytest.fixture
def room_server(browser: Any, tmp_path: Path) -> Iterator[ChildServer]:
    """A server listening on every interface, as ``sls scenario demo --host 0.0.0.0`` starts it."""
    network_address()  # skipped on a machine with none
    server = ChildServer(data_dir=tmp_path, trust_local_proxy=True, host="0.0.0.0").start()
    try:
        yield server
    finally:
        server.stop()


def test_a_browser_on_another_machine_signs_in_to_the_console(room_server: ChildServer, page: Any) -> None:
    assert not room_server.public_url.startswith("http://127."), room_server.public_url
    page.goto(f"{room_server.public_url}/trainer")
    page.get_by_test_id("trainer-token").fill(room_server.admin_token)
    page.get_by_test_id("trainer-sign-in").click()
    expect(page.get_by_test_id("feed-state")).to_have_text("live")

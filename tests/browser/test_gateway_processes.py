"""The trainer console's gateway card names the ``sls gateway`` processes serving the instance (each holds a
lease while it serves: a start ends the session only when no other does), as ``sls gateway-state status``
does. Against a real ``sls gateway`` process."""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN
from playwright.sync_api import expect

from . import gateway_kit

# the gateway and its world (bound, not imported: a test's `world` parameter is no redefinition)
gateway, sls_gateway, world = gateway_kit.gateway, gateway_kit.sls_gateway, gateway_kit.world


def test_the_console_names_the_gateway_s_processes(gateway: Any, page: Any) -> None:
    page.goto(gateway.url + "/trainer")
    page.get_by_test_id("trainer-token").fill(ADMIN_TOKEN)
    page.get_by_test_id("trainer-sign-in").click()
    port = gateway.url.rpartition(":")[2]
    expect(page.get_by_test_id("gateway-processes")).to_contain_text(f":{port} (pid {gateway.process.pid})")

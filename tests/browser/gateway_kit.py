"""The browser tests' gateway: a real ``sls gateway`` process (``gateway_process.sls_gateway``) and the
:class:`World` on it, shared by the gateway page modules, which had each their own copy. A module binds all
three names (``sls_gateway`` too: pytest resolves a fixture's own fixtures from the test's module), and
its ``world`` replaces the browser conftest's, which is on ``sls serve``. Bound by assignment, not
imported: a test's ``world`` parameter then redefines no import (ruff's F811 on every test)."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_process import sls_gateway

from .pages_kit import World

__all__ = ["gateway", "sls_gateway", "world"]


@pytest.fixture
def gateway(browser: Any, sls_gateway: Any) -> Any:
    """A gateway on plain HTTP (``browser`` first: Chromium starts before the process it would wait on)."""
    return sls_gateway()


@pytest.fixture
def world(gateway: Any, admin_headers: dict[str, str]) -> World:
    return World(gateway.url, admin_headers)

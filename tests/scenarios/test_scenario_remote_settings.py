"""A scenario run against a server given by URL learns that server's settings (``GET /admin/v1/settings``):
one needing ``SLS_LOCKOUT_THRESHOLD: 2`` ran only on a server started by the runner itself or at the
defaults, and was skipped on a server that did run with 2 (the runner guessed the defaults: 5)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

from sls_scenarios.targets import RemoteTarget, SettingsUnavailable

pytestmark = pytest.mark.e2e


def test_a_server_given_by_url_is_asked_for_its_settings(sls_serve: Callable[..., ServerProcess]) -> None:
    server = sls_serve(workers=1, SLS_LOCKOUT_THRESHOLD="2", SLS_GATEWAY="true")
    target = RemoteTarget(server.url, ADMIN_TOKEN)
    try:
        target.prepare({"SLS_LOCKOUT_THRESHOLD": 2, "SLS_GATEWAY": True})  # what it runs with: runs
        with pytest.raises(SettingsUnavailable) as refused:
            target.prepare({"SLS_LOCKOUT_THRESHOLD": 3})
        assert "SLS_LOCKOUT_THRESHOLD=3" in str(refused.value)
        assert "(it runs with SLS_LOCKOUT_THRESHOLD=2)" in str(refused.value)
        with pytest.raises(SettingsUnavailable) as secret:
            target.prepare({"SLS_SIM_TOKEN": "a-sim-token-it-may-not-have"})  # a secret is never known
        assert "a-sim-token-it-may-not-have" not in str(secret.value)
    finally:
        target.close()

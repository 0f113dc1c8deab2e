"""``sls settings``: the settings a running server took, read over ``GET /admin/v1/settings`` (not the
environment of the shell running the command: that is ``sls config``)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from conftest import ADMIN_TOKEN
from serve_processes import ServerProcess

pytestmark = pytest.mark.e2e


def test_the_server_s_own_settings_are_shown_never_its_secrets(
    sls_serve: Callable[..., ServerProcess],
) -> None:
    server = sls_serve(workers=1, SLS_LOCKOUT_THRESHOLD="7", SLS_SIM_TOKEN="a-sim-token-to-keep-hidden")

    as_json = server.sls("settings", "--json")
    shown = server.sls("settings")

    assert as_json.returncode == 0, as_json.stdout + as_json.stderr
    read = json.loads(as_json.stdout)
    assert read["settings"]["SLS_LOCKOUT_THRESHOLD"] == 7
    assert "SLS_SIM_TOKEN" in read["secrets_set"]
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "SLS_LOCKOUT_THRESHOLD" in shown.stdout and "7" in shown.stdout
    assert "SLS_SIM_TOKEN" in shown.stdout and "(set, hidden)" in shown.stdout
    for secret in ("a-sim-token-to-keep-hidden", ADMIN_TOKEN):
        assert secret not in shown.stdout + as_json.stdout

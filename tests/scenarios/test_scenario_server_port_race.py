"""A port taken between the look and the bind: the server of its own is not another's.

``sls scenario demo --port P`` looks whether P is free, then starts ``sls serve`` there. Another process can
take P in between; its server then answered ``/healthz``, the scenario went on with it, and was refused its
admin calls with a 401 that said nothing of why (seen on CI: a test's port taken by a parallel worker).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from served_kit import served_over_http

from sls_scenarios.server import ChildServer, ServerFailed


def _another_server() -> Flask:
    other = Flask("another")
    other.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    other.add_url_rule("/admin/v1/clock", "clock", lambda: ({"error": "admin_token_required"}, 401))
    return other


def test_a_port_taken_while_the_server_starts_is_told_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with served_over_http(_another_server()) as url:
        port = int(url.rsplit(":", 1)[1])
        looked: list[Any] = []
        # it was free when looked at: the other server took it just after
        monkeypatch.setattr(ChildServer, "_refuse_taken_port", lambda self: looked.append(self.port))
        with pytest.raises(ServerFailed) as refused:
            ChildServer(port=port, port_named="--port").start()
    assert looked == [port]
    assert f"port {port} was taken by another server while this one started" in str(refused.value)
    assert "give --port a free port" in str(refused.value)

"""The request's own hooks and the helpers every view calls read Flask's app, ``g`` and request
themselves, not through their proxies: an attribute read through ``flask.request`` (or ``g``, or
``current_app``) looks the object up again and costs about a microsecond, five times what binding it does
(``http.common.this_request``), and these run on every request (docs/performance.md, "An eleventh step").
Counted, not timed: each attribute read through a proxy goes through werkzeug's ``_ProxyLookup``, which
this wraps to count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.local import _ProxyLookup

from sls_server.http import common


@pytest.fixture
def proxy_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    reads: list[str] = []
    looked_up = _ProxyLookup.__get__

    def counting(self: _ProxyLookup, instance: Any, owner: type | None = None) -> Any:
        if instance is not None:
            reads.append(str(self.name))
        return looked_up(self, instance, owner)

    monkeypatch.setattr(_ProxyLookup, "__get__", counting)
    yield reads


def test_the_hooks_before_a_view_read_no_proxy(app: Flask, proxy_reads: list[str]) -> None:
    headers = {"Host": "127.0.0.1:8000", "Cookie": "sls_session=x", "Origin": "http://127.0.0.1:8000"}
    with app.test_request_context("/api/v1/auth/login", method="POST", headers=headers):
        hooks = app.before_request_funcs[None]
        assert len(hooks) >= 4  # the Host guard, the route, the request id, the cross-site check
        proxy_reads.clear()
        for hook in hooks:
            assert hook() is None  # each lets this request through
        assert proxy_reads == []


def test_the_helpers_every_view_calls_read_no_proxy(app: Flask, proxy_reads: list[str]) -> None:
    headers = {"Host": "127.0.0.1:8000", "Authorization": "Bearer abc", "Cookie": "sls_session=x"}
    with app.test_request_context(
        "/api/v1/session", method="GET", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        proxy_reads.clear()
        common.core()
        assert common.now() == common.now()
        assert common.bearer_token() == "abc"
        assert common.session_token() == "abc"
        assert common.session_cookie() == "x"
        assert common.client_ip() == "127.0.0.1"
        assert proxy_reads == []

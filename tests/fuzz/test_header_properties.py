"""Hypothesis on what every route reads beside its body: the cookies the pages keep (a login's, a step-up's,
the session's, the browser's, the gateway's), and the headers the server reads (the bearer, the login
binding, ``X-Forwarded-For`` from a trusted proxy, ``Origin`` and ``Referer``, ``Host``, ``Last-Event-ID``,
``If-None-Match``, ``Accept``, the CSRF header). A browser, a proxy or an attacker sends any bytes there; none
may make a route answer 5xx. ``test_hostile_inputs`` does the same for bodies and path segments.

``FUZZ_EXAMPLES`` (default 60, CI's) sets how many requests: CONTRIBUTING.md's "Fuzzing locally".
"""

from __future__ import annotations

import re
from typing import Any

from conftest import ADMIN_TOKEN
from flask import Flask
from fuzz_settings import fuzzing
from hypothesis import given
from hypothesis import strategies as st

from sls_server import create_app

COOKIES = [
    "sls_session",
    "__Host-sls_session",
    "sls_login",
    "sls_page_login",
    "sls_page_outcome",
    "sls_page_told",
    "sls_page_verify",
    "sls_page_tasks",
    "sls_page_recovery",
    "sls_browser",
    "__Host-sls_browser",
    "sls_gw_login",
    "sls_gw_done",
    "sls_trainer",
    "sls_sim",
]
HEADERS = [
    "Authorization",
    "X-Login-Token",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "Forwarded",
    "Origin",
    "Referer",
    "Host",
    "Last-Event-ID",
    "If-None-Match",
    "Accept",
    "Accept-Language",
    "X-CSRF-Token",
    "X-Request-Id",
    "Sec-Fetch-Site",
    "User-Agent",
    "Content-Type",
    "Range",
]
#: Header values as HTTP carries them: Latin-1 text (WSGI's environ), so no surrogates here.
header_text = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60),
    st.sampled_from(
        [
            "",
            "Bearer ",
            "Bearer \x7f",
            "Bearer " + "a" * 500,
            "null",
            "fe80::1%eth0, 203.0.113.5",
            "::ffff:1.2.3.4",
            "unknown, , ,",
            'for="[::1]:80";proto=https',
            "http://evil.example",
            "http://[::1",
            "99999999999999999999999",
            "-1",
            "*/*;q=NaN",
            "bytes=0-0,-1",
            "application/json; charset=\xff",
            'W/""',
            "localhost:99999",
            "[::1]:0",
        ]
    ),
)
cookie_text = st.one_of(
    header_text,
    st.text(st.sampled_from("abcdefABCDEF0123456789-_.=!:~"), max_size=120),
    st.binary(max_size=40).map(lambda raw: raw.hex()),
)


def _routes(app: Flask) -> list[tuple[str, str]]:
    """(method, path) of every route, a path's variables given a plausible word."""
    found = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "x1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return sorted(found)


def test_no_route_answers_5xx_to_the_cookies_and_headers_it_is_sent(app_config: dict[str, Any]) -> None:
    settings_ = {"ADMIN_TOKEN": ADMIN_TOKEN, "TRUSTED_PROXIES": "127.0.0.1/32", "GATEWAY": True}
    app = create_app({**app_config, **settings_})
    client = app.test_client()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    user = {"username": "alice", "password": "Correct-Horse-Battery-9", "phone": "+15550100001"}
    assert client.post("/admin/v1/users", json=user, headers=admin).status_code == 201
    routes = [r for r in _routes(app) if r[1] not in ("/admin/v1/reset",)]

    @fuzzing(60)
    @given(
        route=st.sampled_from(routes),
        cookies=st.dictionaries(st.sampled_from(COOKIES), cookie_text, max_size=4),
        headers=st.dictionaries(st.sampled_from(HEADERS), header_text, max_size=5),
        as_admin=st.booleans(),
    )
    def fuzz(
        route: tuple[str, str], cookies: dict[str, str], headers: dict[str, str], as_admin: bool
    ) -> None:
        method, path = route
        sent = app.test_client()
        for name, value in cookies.items():
            sent.set_cookie(name, value)
        if as_admin and "Authorization" not in headers:
            headers = {**headers, **admin}
        answer = sent.open(path, method=method, headers=headers)
        assert answer.status_code < 500, (
            method,
            path,
            cookies,
            headers,
            answer.status_code,
            answer.data[:300],
        )

    fuzz()

"""HEAD on every GET the document declares: the document lists no HEAD (OpenAPI tools leave it implied by
the GET, and its description says the convention: the GET's status and headers, no body), so this holds the
server to what it says. Seeded with one user and their session, so the GETs answer with something, not only
their 401s and 404s; each HEAD is asked before its GET, so a HEAD that changed something shows here too."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sls_server import create_app

PASSWORD = "vernal-Quartz-harbor-71"
#: Headers that differ between any two requests, whatever their method.
PER_REQUEST = {"x-request-id", "date"}
#: Bodies that change with each request: ``/metrics`` counts the HEAD before its GET, so lengths differ.
COUNTS_ITSELF = {"/metrics"}


def _headers(response: Any, template: str) -> dict[str, str]:
    varying = PER_REQUEST | ({"content-length"} if template in COUNTS_ITSELF else set())
    return {k.lower(): v for k, v in response.headers.items() if k.lower() not in varying}


@pytest.mark.parametrize("gateway", [False, True])
def test_every_declared_get_answers_head_as_its_get_without_a_body(
    app_config: dict[str, Any], admin_headers: dict[str, str], gateway: bool
) -> None:
    client = create_app({**app_config, "GATEWAY": gateway}).test_client()
    created = client.post(
        "/admin/v1/users", json={"username": "alice", "password": PASSWORD}, headers=admin_headers
    )
    assert created.status_code == 201, created.get_json()
    spec = client.get("/openapi.json").get_json()
    gets = [template for template, item in spec["paths"].items() if "get" in item]
    assert "head" not in {method for item in spec["paths"].values() for method in item}
    assert "takes HEAD too" in spec["info"]["description"]  # the convention, where the document says it
    checked = []
    for template in gets:
        path = re.sub(r"{[^}]+}", "alice", template)
        for headers in ({}, admin_headers):
            head = client.head(path, headers=headers)
            get = client.get(path, headers=headers)
            assert head.status_code == get.status_code, (template, head.status_code, get.status_code)
            assert head.data == b"", template
            assert _headers(head, template) == _headers(get, template), template
            checked.append((template, get.status_code))
    assert len({template for template, _ in checked}) == len(gets)
    assert any(status == 200 for _, status in checked) and any(status == 401 for _, status in checked)

"""Gateway mode's routes in /openapi.json: every one the gateway app serves is documented, except its HTML
pages (left out on purpose, as the portal's pages are: a page is no API operation), the REST routes under
their own tags with their shapes, and every admin and simulator operation has its ``sls`` command."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from openapi_spec_validator import validate
from spec_conformance import closed, schema_errors

from sls_server import create_app
from sls_server.cli.gateway_state_cmd import gateway_state
from sls_server.errors import SlsError
from sls_server.gateway import login_mode
from sls_server.store.records.users import UserRecord

IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: Endpoints left out of the document on purpose: the gateway's HTML login page and its form posts, like the
#: portal's pages (``pages.*``), are pages a browser drives, not operations of the API.
UNDOCUMENTED = ("pages.", "gateway_pages.")


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


@pytest.fixture
def spec(gateway_app: Flask) -> dict[str, Any]:
    answer = gateway_app.test_client().get("/openapi.json")
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


def documented(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method) for path, item in spec["paths"].items() for method in item if method != "parameters"
    }


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)


def test_every_gateway_route_is_documented(gateway_app: Flask, spec: dict[str, Any]) -> None:
    served = {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in gateway_app.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.startswith(UNDOCUMENTED)
        for method in (rule.methods or set()) - IGNORED_METHODS
    }
    assert served - documented(spec) == set()
    assert documented(spec) - served == set()
    assert ("/v1/portal/tickle", "post") in served and ("/admin/v1/gateway/drop", "post") in served


def test_the_gateway_has_its_tags_and_unique_operation_ids(spec: dict[str, Any]) -> None:
    tags = [tag["name"] for tag in spec["tags"]]
    assert len(tags) == len(set(tags))
    assert {"gateway", "gateway-portal"} <= set(tags)
    ids = [
        op["operationId"] for item in spec["paths"].values() for op in item.values() if "operationId" in op
    ]
    assert len(ids) == len(set(ids))
    tickle = spec["paths"]["/v1/api/tickle"]["post"]
    assert tickle["tags"] == ["gateway"] and "401" in tickle["responses"]
    assert spec["paths"]["/admin/v1/gateway/expire"]["post"]["security"] == [{"adminToken": []}]


def test_every_gateway_control_has_a_command(spec: dict[str, Any]) -> None:
    controls = {
        (method.upper(), path)
        for path, method in documented(spec)
        if path.startswith(("/admin/v1/gateway", "/sim/v1/outbox"))
    }
    helps = " ".join(command.help or "" for command in gateway_state.commands.values())
    missing = sorted(f"{method} {path}" for method, path in controls if f"{method} {path})" not in helps)
    assert missing == []


@pytest.mark.parametrize(("paper_user", "paper_selected"), [(True, False), (False, True)])
def test_the_paper_live_refusal_says_only_what_the_document_declares(
    spec: dict[str, Any], paper_user: bool, paper_selected: bool
) -> None:
    """The toggle's refusal, as the login's start raises it, held to the served document's closed ``Error``:
    a field the document does not declare (it carried ``selected``, which no page or answer showed) fails
    here before any route could send it."""
    with pytest.raises(SlsError) as refused:
        login_mode(paper_selected)(UserRecord("penny", "hash", 1, paper=paper_user))
    assert refused.value.code == "login_mode_mismatch"
    wrong = schema_errors(closed(spec), {"$ref": "#/components/schemas/Error"}, refused.value.body())
    assert wrong == []

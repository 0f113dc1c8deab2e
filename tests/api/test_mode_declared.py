"""``mode`` (IB Key's Challenge/Response asked for instead of a push) goes only with ``"type": "ibkey"``: the
server refuses it beside any other type, or beside none, with a 400 naming ``mode``, rather than ignore it.
The document did not say so, and a schema-driven fuzzer's ``{"type": "voice", "mode": "challenge"}``, valid
by the document, met that 400 on ``/api/v1/auth/login/{txn_id}/factor``. Both bodies that take ``mode`` now
declare the rule (a null ``mode`` counts as absent, as the server has it).
"""

from __future__ import annotations

from typing import Any

import pytest
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

SWITCH = {"$ref": "#/components/schemas/FactorSwitchRequest"}
STEP_UP = {"$ref": "#/components/schemas/StepUpRequest"}


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        (SWITCH, {"type": "voice", "mode": "challenge"}),
        (SWITCH, {"type": "dscplus", "mode": "challenge"}),
        (STEP_UP, {"purpose": "withdrawal", "mode": "challenge"}),
        (STEP_UP, {"purpose": "withdrawal", "type": "sms", "mode": "challenge"}),
    ],
)
def test_mode_without_ibkey_is_refused_by_the_document(
    spec: dict[str, Any], schema: dict[str, Any], body: dict[str, Any]
) -> None:
    assert schema_errors(spec, schema, body) != []


@pytest.mark.parametrize(
    ("schema", "body"),
    [
        (SWITCH, {"type": "ibkey", "mode": "challenge"}),
        (SWITCH, {"type": "sms", "mode": None}),
        (SWITCH, {"type": "voice"}),
        (STEP_UP, {"purpose": "withdrawal", "type": "ibkey", "mode": "challenge"}),
        (STEP_UP, {"purpose": "withdrawal", "mode": None}),
    ],
)
def test_what_the_server_takes_the_document_takes(
    spec: dict[str, Any], schema: dict[str, Any], body: dict[str, Any]
) -> None:
    assert schema_errors(spec, schema, body) == []

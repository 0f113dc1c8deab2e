"""``roaming_loses_every`` loses texts only while the phone roams, so ``PUT .../conditions`` refuses it
without ``"roaming": true`` (400 naming it) rather than keep a rule that does nothing. The document did not
say so: a schema-driven fuzzer's ``{"roaming": false, "roaming_loses_every": 9}``, valid by it, met the 400.
The body's schema now declares the rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

UPDATE = {"$ref": "#/components/schemas/PhoneConditionsUpdate"}
PATH = "/sim/v1/phones/+15550100001/conditions"


@pytest.mark.parametrize("body", [{"roaming_loses_every": 2}, {"roaming": False, "roaming_loses_every": 9}])
def test_a_loss_rule_without_roaming_is_refused_by_both(
    client: FlaskClient, spec: dict[str, Any], body: dict[str, Any]
) -> None:
    answer = client.put(PATH, json=body)
    assert answer.status_code == 400 and answer.get_json()["field"] == "roaming_loses_every", (
        answer.get_json()
    )
    assert client.get(PATH).get_json()["roaming_loses_every"] == 0  # nothing changed
    assert schema_errors(spec, UPDATE, body) != []


@pytest.mark.parametrize(
    "body", [{"roaming": True, "roaming_loses_every": 2}, {"roaming_loses_every": 0}, {"roaming": False}, {}]
)
def test_what_the_server_takes_the_document_takes(
    client: FlaskClient, spec: dict[str, Any], body: dict[str, Any]
) -> None:
    assert client.put(PATH, json=body).status_code == 200
    assert schema_errors(spec, UPDATE, body) == []

"""The document's OpenAPI links: where an answer hands a client the id the next call takes (the login's
``txn_id`` to verify it, a new user's name, a device's id), the success response says so, so a generated
client (and schemathesis's stateful testing, CONTRIBUTING.md's "Fuzzing locally") can follow it. Each link
names a real operation, fills only parameters that operation has, from a field its answer holds."""

from __future__ import annotations

import re
from typing import Any

from spec_conformance import operations, served_spec  # noqa: F401 - served_spec: "spec"

#: Links a client expects: (from operationId, to operationId, the parameter filled).
EXPECTED = [
    ("startLogin", "verifyLogin", "txn_id"),
    ("startLogin", "getLoginStatus", "txn_id"),
    ("startLogin", "switchFactor", "txn_id"),
    ("createUser", "getUser", "username"),
    ("createUser", "enrolDevice", "username"),
    ("enrolDevice", "revokeDevice", "device_id"),
    ("enrolDevice", "getCardStatus", "device_id"),
    ("createAccount", "getAccount", "account_id"),
    ("listIbKeyNotifications", "approveIbKeyNotification", "notification_id"),
    ("listPhoneCalls", "getPhoneCallAudio", "call_id"),
]


def _by_id(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for _, _, op in operations(spec)}


def _success(op: dict[str, Any]) -> dict[str, Any]:
    return next(r for status, r in op["responses"].items() if status.startswith("2"))


def _fills(link: dict[str, Any]) -> set[str]:
    return set(link["parameters"])


def test_an_answer_links_to_the_calls_its_ids_are_for(spec: dict[str, Any]) -> None:
    by_id = _by_id(spec)
    missing = [
        f"{source} -> {target} ({parameter})"
        for source, target, parameter in EXPECTED
        if not any(
            link["operationId"] == target and parameter in _fills(link)
            for link in _success(by_id[source]).get("links", {}).values()
        )
    ]
    assert not missing, missing


def test_every_link_names_an_operation_its_parameters_and_a_field_of_the_answer(spec: dict[str, Any]) -> None:
    by_id = _by_id(spec)
    schemas = spec["components"]["schemas"]
    wrong: list[str] = []
    for source, op in by_id.items():
        answer = _success(op)
        for name, link in answer.get("links", {}).items():
            target = by_id.get(link["operationId"])
            if target is None:
                wrong.append(f"{source}.{name}: no operation {link['operationId']}")
                continue
            takes = {p["name"] for p in target.get("parameters", [])}
            for parameter, expression in link["parameters"].items():
                if parameter not in takes:
                    wrong.append(f"{source}.{name}: {link['operationId']} has no parameter {parameter}")
                body = re.fullmatch(r"\$response\.body#/(\w+)(?:/.*)?", expression)
                request = re.fullmatch(r"\$request\.path\.(\w+)", expression)
                if body:
                    ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                    if body[1] not in schemas[ref]["properties"]:
                        wrong.append(f"{source}.{name}: the answer has no field {body[1]}")
                elif not (request and request[1] in {p["name"] for p in op.get("parameters", [])}):
                    wrong.append(f"{source}.{name}: {expression} is no field of the answer or the request")
    assert not wrong, wrong
    assert sum(len(_success(op).get("links", {})) for op in by_id.values()) >= len(EXPECTED)

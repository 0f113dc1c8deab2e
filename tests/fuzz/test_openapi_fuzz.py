"""Fuzz the published OpenAPI document with schemathesis: no generated request may answer 5xx or anything
the document does not describe (security review).

The app runs in-process on the session's real redis-server, seeded with a user who has a card, a phone and
an authenticator app, so generated ids sometimes hit real records. Every operation of ``/api/v1``,
``/sim/v1`` and ``/admin/v1`` gets ``EXAMPLES`` requests of valid data and ``EXAMPLES`` of invalid data
(which must be refused with a 4xx the document lists; the admin routes get the token), and
the test fails listing every operation that broke the contract, with the request that did it.
``FUZZ_EXAMPLES`` (``fuzz_settings.py``) draws that many fresh ones per operation and mode instead.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from fuzz_settings import LOCAL, fuzzing
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sls_server import create_app

EXAMPLES = int(LOCAL) if LOCAL else 25
SURFACES = ("/api/v1", "/sim/v1", "/admin/v1")
ADMIN_TOKEN = "fuzz-admin-token-0123456789"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def fuzzed_app(app_config: dict[str, Any]) -> Flask:
    app = create_app({**app_config, "ADMIN_TOKEN": ADMIN_TOKEN, "IP_THROTTLE_LIMIT": 1_000_000})
    client = app.test_client()
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"username": "alice", "password": "Correct-Horse-Battery-9", "phone": "+15550100001"}
    assert client.post("/admin/v1/users", json=body, headers=admin).status_code == 201  # SMS at opening
    for device in ({"type": "dscplus", "pin": "1234"}, {"type": "totp"}):
        assert client.post("/admin/v1/users/alice/devices", json=device, headers=admin).status_code == 201
    return app


def _fuzzer(operation: Any, mode: GenerationMode, headers: dict[str, str] | None, counter: list[int]) -> Any:
    @given(case=operation.as_strategy(mode))
    @fuzzing(EXAMPLES)
    def fuzz(case: schemathesis.Case) -> None:
        counter[0] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    return fuzz


@pytest.mark.parametrize("surface", SURFACES)
def test_no_generated_request_breaks_the_contract(fuzzed_app: Flask, surface: str) -> None:
    """One surface per test, so the three share the workers rather than one worker taking them all."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzzed_app)
    sent = [0]
    fuzzed = 0
    broken: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(surface):
            continue
        fuzzed += 1
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if surface == "/admin/v1" else None
        for mode in GenerationMode:
            try:
                _fuzzer(operation, mode, headers, sent)()
            except Unsatisfiable:  # nothing to make invalid (one free-form path parameter): no negative case
                continue
            except (Exception, BaseExceptionGroup) as exc:  # collected: one report naming every failure
                broken.append(f"{operation.method.upper()} {operation.path} ({mode.value} data): {exc}")
    assert not broken, "\n\n".join(broken)
    assert fuzzed >= 10, f"only {fuzzed} operations under {surface}"
    # Half the examples asked for, on average: schemathesis stops early where a schema has few distinct cases.
    assert sent[0] >= EXAMPLES * fuzzed, f"only {sent[0]} generated requests for {fuzzed} operations"

"""State import holds a record's text fields to the rules the admin API holds them to.

A user ``phone`` of "bad", an IB Key app ``number`` of "junk", a device ``label`` of 100,000 characters or a
``serial`` of "\\u0000" were imported as given, though no route would ever have stored them (and pages and
the CLI show them). Each is now a 400 naming the list and the ``index``, by the same shape the routes
validate with (``transfer.reading.RULES``), and Redis is left as it was.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_state_transfer import a_world, export, snapshot


@pytest.fixture
def document(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    a_world(client, admin_headers)
    return export(client, admin_headers)


def _index(entries: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool]) -> int:
    return next(i for i, entry in enumerate(entries) if test(entry))


CASES = [
    ("users", lambda e: bool(e["record"].get("phone")), ("record", "phone"), "bad", "phone"),
    ("ibkey_apps", lambda e: bool(e.get("number")), ("number",), "junk", "number"),
    ("devices", lambda e: e["type"] == "dscplus", ("label",), "x" * 100_000, "label"),
    ("devices", lambda e: e["type"] == "dscplus", ("serial",), "\u0000", "serial"),
    ("devices", lambda e: e["type"] == "ibkey", ("phone",), "12345", "phone"),
]


@pytest.mark.parametrize(("where", "which", "path", "value", "name"), CASES)
def test_a_field_the_admin_api_would_refuse_is_refused_naming_the_entry(
    client: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: dict[str, Any],
    where: str,
    which: Callable[[dict[str, Any]], bool],
    path: tuple[str, ...],
    value: str,
    name: str,
) -> None:
    changed = copy.deepcopy(document)
    index = _index(changed[where], which)
    place = changed[where][index]
    for part in path[:-1]:
        place = place[part]
    place[path[-1]] = value
    before = snapshot(redis_url)
    answer = client.post("/admin/v1/state/import?replace=true", json=changed, headers=admin_headers)
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert (body["error"], body["field"], body["index"]) == ("invalid_request", where, index), body
    assert body["message"].startswith(f"{where}[{index}]: {name} "), body["message"]
    assert value not in body["message"] or len(value) < 6
    assert snapshot(redis_url) == before


def test_the_document_as_exported_still_imports(
    client: FlaskClient, admin_headers: dict[str, str], document: dict[str, Any]
) -> None:
    answer = client.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()


def test_a_second_phone_device_on_one_phone_is_refused(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """Enrolment refuses a second SMS or voice device for one user and phone (409 device_exists); the import
    stored one, and the login then listed the phone twice."""
    a_world(client, admin_headers)
    enrolled = client.post("/admin/v1/users/carol/devices", json={"type": "sms"}, headers=admin_headers)
    assert enrolled.status_code == 201, enrolled.get_json()
    changed = export(client, admin_headers)
    first = _index(changed["devices"], lambda e: e["type"] in ("sms", "voice") and e["status"] == "active")
    twin = {**changed["devices"][first], "device_id": "sms-0123456789ab"}
    changed["devices"].append(twin)
    owner = _index(changed["users"], lambda e: e["record"]["username"] == twin["owner"])
    changed["users"][owner]["devices"].append(twin["device_id"])
    before = snapshot(redis_url)
    answer = client.post("/admin/v1/state/import?replace=true", json=changed, headers=admin_headers)
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert (body["field"], body["index"]) == ("devices", len(changed["devices"]) - 1), body
    assert "second SMS or voice device" in body["message"]
    assert snapshot(redis_url) == before


def _refused_and_nothing_changed(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str, changed: dict[str, Any]
) -> dict[str, Any]:
    before = snapshot(redis_url)
    answer = client.post("/admin/v1/state/import?replace=true", json=changed, headers=admin_headers)
    assert answer.status_code == 400, answer.get_json()
    assert snapshot(redis_url) == before
    return answer.get_json()  # type: ignore[no-any-return]


def test_an_account_allowlist_entry_that_is_no_ip_range_is_refused(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: dict[str, Any]
) -> None:
    """It imported, and every login of the account's members then failed with a 500."""
    changed = copy.deepcopy(document)
    changed["accounts"][0]["record"]["allowlist"] = '["not-an-ip"]'
    body = _refused_and_nothing_changed(client, admin_headers, redis_url, changed)
    assert (body["field"], body["index"]) == ("accounts", 0) and "is not an IP range" in body["message"]


def test_json_nested_past_a_parser_inside_a_record_field_is_refused(
    client: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: dict[str, Any]
) -> None:
    """A field holding JSON text (an account's allowlist, an app's users) nested thousands deep: the body's
    depth guard never sees inside a string, and the parser's recursion error was a 500."""
    changed = copy.deepcopy(document)
    changed["accounts"][0]["record"]["allowlist"] = "[" * 5000 + "]" * 5000
    body = _refused_and_nothing_changed(client, admin_headers, redis_url, changed)
    assert (body["field"], body["index"]) == ("accounts", 0) and "nested too deep" in body["message"]

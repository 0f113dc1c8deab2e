"""Hypothesis on ``POST /admin/v1/state/import``: a real world's exported document with one value replaced,
removed or added (hostile text, numbers past any range, the wrong type, nesting), as a hand edit, a script or
an attacker with the admin token leaves it. The server either imports it, and the world it wrote can be read
and exported again and logged in to, or refuses it with a 4xx and nothing changed. Never a 5xx, at the import
or at any read after it (an import that let a value through which a later request chokes on is the worse bug).

``FUZZ_EXAMPLES`` (default 40, CI's) sets how many documents are tried: CONTRIBUTING.md's "Fuzzing locally".
"""

from __future__ import annotations

import copy
import json
from typing import Any

from conftest import EnrolledUser
from document_paths import value_paths
from flask import Flask
from flask.testing import FlaskClient
from fuzz_settings import fuzzing
from hypothesis import given
from hypothesis import strategies as st

IMPORT = "/admin/v1/state/import?replace=true"

#: Values a field is given in place of its own: text no field takes, numbers past every range, other types.
hostile_scalars = st.one_of(
    st.sampled_from(
        ["", "\x00", "\ud800", "a" * 3000, "9" * 400, "-1", "1e309", "NaN", "::ffff:1.2.3.4/200"]
    ),
    st.sampled_from(
        ["fe80::1%eth0", "10.0.0.0/8", "0/0", "\u0661\u0662\u0663", "$argon2id$v=19$m=1,t=1,p=1$$"]
    ),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**63, 2**64, 4102444801, 946684799]),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
hostile = st.recursive(
    hostile_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _texts(node: Any) -> list[str]:
    """Every text of the document: another record's id or field is the likeliest wrong value an edit puts."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in _texts(value)] + [str(k) for k in node]
    if isinstance(node, list):
        return [text for value in node for text in _texts(value)]
    return [node] if isinstance(node, str) else []


def _alike(value: Any, texts: list[str]) -> st.SearchStrategy[Any]:
    if isinstance(value, bool) or value is None:
        return st.sampled_from([True, False, None])
    if isinstance(value, int):
        return st.one_of(st.integers(-(2**64), 2**64), st.integers(value - 5, value + 5), st.just(str(value)))
    if isinstance(value, str):
        return st.one_of(
            st.sampled_from(texts),
            st.text(max_size=12),
            st.integers(0, 2**64).map(str),
            st.just(value[:-1]),
            st.just(value + "0"),
            st.just(value.upper()),
            st.just(f" {value}"),
        )
    return hostile


def _mutated(document: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(value_paths(changed)))
        *head, last = path
        parent: Any = changed
        for step in head:
            parent = parent[step]
        how = data.draw(st.sampled_from(["alike", "alike", "alike", "replace", "remove", "add", "repeat"]))
        value = parent[last]
        if how == "alike":  # a value of the same type, as an edit that keeps the document's shape leaves it
            parent[last] = data.draw(_alike(value, _texts(document)))
        elif how == "remove" and isinstance(parent, dict):
            del parent[last]
        elif how == "remove" and isinstance(parent, list):
            parent.pop(last)
        elif how == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(value))
        elif how == "add" and isinstance(value, dict):
            value[data.draw(st.sampled_from(["extra", "id", "key", "pin_hash", "0"]))] = data.draw(hostile)
        elif how == "add" and isinstance(value, list):
            value.append(data.draw(hostile))
        else:
            parent[last] = data.draw(hostile)
        if not isinstance(changed, dict):
            break
    return changed


def _export(client: FlaskClient, admin: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/admin/v1/state/export", headers=admin)
    assert answer.status_code == 200, answer.get_json()
    document: dict[str, Any] = answer.get_json()
    document.pop("exported_at")
    return document


def test_an_edited_document_is_imported_whole_or_refused_with_nothing_changed(
    app: Flask, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    client = app.test_client()
    phone = client.put("/admin/v1/users/alice/phone", json={"phone": "+15550100001"}, headers=admin_headers)
    assert phone.status_code == 200, phone.get_json()
    for device in ({"type": "totp"}, {"type": "sms"}):
        assert (
            client.post("/admin/v1/users/alice/devices", json=device, headers=admin_headers).status_code
            == 201
        )
    account = {"account_id": "U1234567", "users": ["alice"], "ip_allowlist": ["203.0.113.0/24", "::1"]}
    assert client.post("/admin/v1/accounts", json=account, headers=admin_headers).status_code == 201
    whole = client.get("/admin/v1/state/export", headers=admin_headers).get_json()
    world = _export(client, admin_headers)

    @fuzzing(40)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        assert client.post(IMPORT, json=whole, headers=admin_headers).status_code == 200
        edited = _mutated(whole, data)
        # Written by the standard library: a lone surrogate as its \ud800 escape, as a JSON client sends it.
        sent = json.dumps(edited)
        answer = client.post(IMPORT, data=sent, content_type="application/json", headers=admin_headers)
        assert answer.status_code < 500, (answer.status_code, answer.get_json())
        if answer.status_code >= 400:
            assert _export(client, admin_headers) == world, "a refused import changed the world"
            return
        _export(client, admin_headers)
        for user in client.get("/admin/v1/users", headers=admin_headers).get_json()["users"]:
            name = user if isinstance(user, str) else user["username"]
            for read in (
                f"/admin/v1/users/{name}",
                f"/admin/v1/users/{name}/devices",
                f"/admin/v1/users/{name}/lockout",
                f"/admin/v1/users/{name}/ip-allowlist",
            ):
                assert client.get(read, headers=admin_headers).status_code < 500, read
            login = client.post("/api/v1/auth/login", json={"username": name, "password": "x" * 12})
            assert login.status_code < 500, login.get_json()
        for device in edited.get("devices", []) if isinstance(edited.get("devices"), list) else []:
            if isinstance(device, dict) and isinstance(device.get("id"), str):
                for read in (f"/sim/v1/dscplus/{device['id']}", f"/sim/v1/totp/{device['id']}/code"):
                    assert client.get(read).status_code < 500, read

    fuzz()

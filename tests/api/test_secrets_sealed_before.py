"""Device secrets are sealed under a key derived for them (``v2``), not under ``SLS_SECRET_KEY`` itself as
before (``v1``). What was sealed and checked the old way (a Redis from before, a saved world of version 2)
must still open, import and log in, and a Redis that recorded the old key check takes the new one; but
nothing new is sealed or checked under the key itself."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_state_transfer import a_world, export, logs_in

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig
from sls_server.runtime import claim_secret_key
from sls_server.secretbox import SealError, SecretBox, device_box, key_check
from sls_server.store import keys
from sls_server.store.connection import connect

KEY = bytes.fromhex("3c" * 32)
Document = dict[str, Any]
SEALED = re.compile(r"\bv\d+:[A-Za-z0-9+/]{20,}=*")


@pytest.fixture
def keyed(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "SECRET_KEY": KEY.hex()}).test_client()


def sealed_values(document: Document) -> list[str]:
    """Every sealed value in the document, wherever it sits (a phone app's are inside its ``users`` JSON)."""
    return SEALED.findall(json.dumps(document))


def contexts(document: Document) -> list[str]:
    """What each record of the document may seal a value for (``secretbox`` binds a value to its record)."""
    made = [f"{device['type']}:{device['device_id']}" for device in document["devices"]]
    for app in document["ibkey_apps"]:
        names = ("pin", *json.loads(app["users"]))
        made += [f"ibkey-app:{app['app_id']}:{name}" for name in names]
    return made


def as_written_before(document: Document) -> Document:
    """``document`` as a server before version 3 wrote it: version 2, its key check keyed with the secret key
    itself, and every secret sealed as ``v1`` under that key (each opened with the record it is bound to)."""
    new, old = device_box(KEY), SecretBox(KEY)
    bound = contexts(document)

    def resealed(value: str) -> str:
        for context in bound:
            try:
                return old.seal(new.open(value, context), context)
            except SealError:
                continue
        raise AssertionError("a sealed value bound to no record of the document")

    text = json.dumps(document)
    for value in sealed_values(document):
        text = text.replace(value, resealed(value))
    before: Document = json.loads(text)
    before.update(version=2, key_check=key_check(KEY, form=1))
    return before


def test_new_secrets_are_sealed_under_their_own_key_and_the_key_check_keyed_apart(
    keyed: FlaskClient, admin_headers: dict[str, str]
) -> None:
    a_world(keyed, admin_headers)
    document = export(keyed, admin_headers)

    sealed = sealed_values(document)
    assert len(sealed) >= 4  # the card, the IB Key device, the phone app's keys and its PIN hash
    assert {value.partition(":")[0] for value in sealed} == {"v2"}
    for value in sealed:
        with pytest.raises(SealError):  # the secret key itself opens none of them, under any record
            for context in contexts(document):
                SecretBox(KEY, version="v2").open(value, context)
    assert document["version"] == 3
    assert document["key_check"] == key_check(KEY) != key_check(KEY, form=1)


def test_a_world_sealed_and_checked_under_the_key_itself_still_imports_and_logs_in(
    keyed: FlaskClient, admin_headers: dict[str, str]
) -> None:
    held = a_world(keyed, admin_headers)
    before = as_written_before(export(keyed, admin_headers))
    assert {value.partition(":")[0] for value in sealed_values(before)} == {"v1"}
    assert keyed.post("/admin/v1/reset", headers=admin_headers).status_code == 200

    loaded = keyed.post("/admin/v1/state/import?replace=true", json=before, headers=admin_headers)

    assert loaded.status_code == 200, loaded.get_json()
    logs_in(keyed, admin_headers, held)
    again = export(keyed, admin_headers)  # version 3 now, the old values sealed again as they were imported
    assert (again["version"], again["key_check"]) == (3, key_check(KEY))
    assert {value.partition(":")[0] for value in sealed_values(again)} == {"v2"}


def test_a_version_2_document_with_the_new_key_check_is_refused_naming_it(
    keyed: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The form of the key check follows the document's version: a version 2 document never carried the
    second form, so one that does was not written by a server."""
    a_world(keyed, admin_headers)
    document = copy.deepcopy(export(keyed, admin_headers)) | {"version": 2}

    refused = keyed.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)

    assert refused.status_code == 400 and refused.get_json()["field"] == "key_check", refused.get_json()


def test_a_redis_that_recorded_the_old_key_check_takes_the_new_one_at_start(
    app_config: dict[str, Any],
) -> None:
    settings = load_settings({**app_config, "SECRET_KEY": KEY.hex()}, environ={})
    client = connect(app_config["REDIS_URL"])
    try:
        client.set(keys.SECRET_KEY_CHECK, key_check(KEY, form=1))
        claim_secret_key(settings)
        assert client.get(keys.SECRET_KEY_CHECK) == key_check(KEY)
        claim_secret_key(settings)  # and again: the new form is this key's too
        assert client.get(keys.SECRET_KEY_CHECK) == key_check(KEY)

        other = bytes.fromhex("4d" * 32)
        for recorded in (key_check(other, form=1), key_check(other)):
            client.set(keys.SECRET_KEY_CHECK, recorded)
            with pytest.raises(InvalidConfig) as refused:
                claim_secret_key(settings)
            assert refused.value.key == "SLS_SECRET_KEY"
            assert client.get(keys.SECRET_KEY_CHECK) == recorded  # left as it was
    finally:
        client.close()

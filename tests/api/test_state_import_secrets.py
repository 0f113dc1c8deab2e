"""State import opens what it is given: a device's sealed secret that does not open under this server's key
(or opens as something its kind never seals), settings its kind does not work with, a phone app whose keys or
PIN hash would not work, and a user listing a device that does not name them are each a 400 naming the list
and index, with Redis left as it was. Before, such a document was imported, and the first login or simulated
device to use the record answered 500."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from test_state_transfer import a_world, export, snapshot

from sls_server import create_app
from sls_server.secretbox import device_box

KEY = bytes.fromhex("5a" * 32)
Document = dict[str, Any]


@pytest.fixture
def keyed(app_config: dict[str, Any]) -> FlaskClient:
    """A server whose secret key the test knows, so it can seal values the way the server would."""
    return create_app({**app_config, "SECRET_KEY": KEY.hex()}).test_client()


@pytest.fixture
def document(keyed: FlaskClient, admin_headers: dict[str, str]) -> Document:
    """Carol's card, alice's IB Key on her phone (``a_world``), and carol's authenticator app, temporary
    passcode and SMS phone."""
    a_world(keyed, admin_headers)
    for body in ({"type": "totp"}, {"type": "temporary"}, {"type": "sms"}):
        made = keyed.post("/admin/v1/users/carol/devices", json=body, headers=admin_headers)
        assert made.status_code == 201, made.get_json()
    return export(keyed, admin_headers)


def device_of(document: Document, type_: str) -> int:
    return next(i for i, device in enumerate(document["devices"]) if device["type"] == type_)


def refused(
    client: FlaskClient, headers: dict[str, str], redis_url: str, document: Document, where: str, index: int
) -> str:
    """Import ``document`` over the world: a 400 naming ``where[index]``, Redis untouched. Its message."""
    before = snapshot(redis_url)
    answer = client.post("/admin/v1/state/import?replace=true", json=document, headers=headers)
    body = answer.get_json()
    assert answer.status_code == 400, body
    assert (body["error"], body["field"], body["index"]) == ("invalid_request", where, index), body
    assert snapshot(redis_url) == before
    return str(body["message"])


def changed(document: Document, where: str, index: int, **fields: str) -> Document:
    copied = copy.deepcopy(document)
    copied[where][index].update(fields)
    return copied


def test_the_untouched_document_imports(
    keyed: FlaskClient, admin_headers: dict[str, str], document: Document
) -> None:
    """What the tests below change is all that is wrong with their documents."""
    answer = keyed.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["imported"]["devices"] == 5


@pytest.mark.parametrize(
    ("type_", "field"),
    [("dscplus", "sealed"), ("totp", "sealed"), ("temporary", "sealed"), ("ibkey", "ocra_sealed")],
)
def test_a_sealed_secret_that_does_not_open_is_refused(
    keyed: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: Document,
    type_: str,
    field: str,
) -> None:
    index = device_of(document, type_)
    real = document["devices"][index][field]
    flipped = real[:-6] + ("AAAA" if real[-6:-2] != "AAAA" else "BBBB") + real[-2:]
    moved = next(  # another device's sealed value: it opens under the key, but not for this record
        d[f] for d in document["devices"] for f in ("sealed", "ocra_sealed") if d.get(f) and d[f] != real
    )
    # a v2 value relabelled v1 (as if under the secret key itself), or given a version that does not exist
    for broken in ("v1:!!!", "v1:AAAA", "v1:" + real[3:], "v9:" + real[3:], flipped, moved):
        message = refused(
            keyed,
            admin_headers,
            redis_url,
            changed(document, "devices", index, **{field: broken}),
            "devices",
            index,
        )
        assert f"not a {type_} this server can use" in message
        assert broken not in message and real not in message  # no sealed value echoed


def sealed_as(document: Document, index: int, secret: bytes) -> Document:
    """The device re-sealed, properly, around ``secret``: it opens, but holds what its kind never seals."""
    device = document["devices"][index]
    context = {"dscplus": "dscplus", "totp": "totp", "temporary": "temporary"}[device["type"]]
    sealed = device_box(KEY).seal(secret, context=f"{context}:{device['device_id']}")
    return changed(document, "devices", index, sealed=sealed)


@pytest.mark.parametrize(
    ("type_", "secret"),
    [
        ("dscplus", b"not json"),
        ("dscplus", json.dumps({"key": "00" * 20}).encode()),  # no PIN hash
        ("dscplus", json.dumps({"key": "00" * 19, "pin_sha1": "00" * 20}).encode()),  # a short key
        ("totp", b"\x01" * 10),  # 80 bits: under the 112 a key must hold
        ("temporary", b"hunter2"),  # not a passcode this server issues
    ],
)
def test_a_secret_that_opens_as_something_its_kind_never_seals_is_refused(
    keyed: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: Document,
    type_: str,
    secret: bytes,
) -> None:
    index = device_of(document, type_)
    refused(keyed, admin_headers, redis_url, sealed_as(document, index, secret), "devices", index)


@pytest.mark.parametrize(
    ("type_", "fields", "said"),
    [
        ("dscplus", {"suite": "OCRA-1:HOTP-SHA1-6:QN08"}, "suite"),
        ("dscplus", {"max_pin_failures": "0"}, "max_pin_failures"),
        ("dscplus", {"pin_failures": "9"}, "pin_failures"),
        ("totp", {"digits": "7"}, "digits"),
        ("totp", {"period": "0"}, "period"),
        ("totp", {"algorithm": "md5"}, "algorithm"),
        ("sms", {"number": "call me"}, "number"),
        ("ibkey", {"public_key": "abcd"}, "public_key"),
        ("ibkey", {"platform": "symbian"}, "platform"),
        ("dscplus", {"status": "banana"}, "status"),
        ("dscplus", {"type": "yubikey"}, "yubikey"),
    ],
)
def test_settings_the_device_kind_does_not_work_with_are_refused(
    keyed: FlaskClient,
    admin_headers: dict[str, str],
    redis_url: str,
    document: Document,
    type_: str,
    fields: dict[str, str],
    said: str,
) -> None:
    index = device_of(document, type_)
    message = refused(
        keyed, admin_headers, redis_url, changed(document, "devices", index, **fields), "devices", index
    )
    assert said in message


def app_resealed(document: Document, edit: Callable[[dict[str, Any]], None]) -> Document:
    """The phone's app with its PIN hash opened, changed by ``edit`` and sealed again under the key."""
    app = document["ibkey_apps"][0]
    box, context = device_box(KEY), f"ibkey-app:{app['app_id']}:pin"
    parts = {"hash": box.open(app["pin_sealed"], context=context).decode()}
    edit(parts)
    return changed(document, "ibkey_apps", 0, pin_sealed=box.seal(parts["hash"].encode(), context=context))


def test_a_phone_app_whose_pin_hash_or_keys_would_not_work_is_refused(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: Document
) -> None:
    costly = lambda p: p.update(hash=p["hash"].replace("scrypt$16384$", "scrypt$1048576$"))  # noqa: E731
    app = document["ibkey_apps"][0]
    users = json.loads(app["users"])
    name = next(iter(users))
    swapped = copy.deepcopy(users)
    swapped[name]["sealed"] = app["pin_sealed"]  # opens under the key, but not as this user's keys
    for broken in (
        changed(document, "ibkey_apps", 0, pin_sealed="v1:AAAA"),
        changed(document, "ibkey_apps", 0, users=json.dumps(swapped)),
        app_resealed(document, costly),  # each unlock would cost 64 times what the app's hash costs
        app_resealed(document, lambda p: p.update(hash="plain-pin")),
    ):
        message = refused(keyed, admin_headers, redis_url, broken, "ibkey_apps", 0)
        assert "not an app this server can use" in message


def test_a_user_listing_a_device_that_does_not_name_them_is_refused(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: Document
) -> None:
    """Alice listing carol's card: her login would offer it, and its verify refuse it."""
    card = document["devices"][device_of(document, "dscplus")]["device_id"]
    alice = next(i for i, u in enumerate(document["users"]) if u["record"]["username"] == "alice")
    broken = copy.deepcopy(document)
    broken["users"][alice]["devices"].append(card)
    assert "owner or shared_with" in refused(keyed, admin_headers, redis_url, broken, "users", alice)


def test_an_account_and_its_members_must_name_each_other(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: Document
) -> None:
    """A user belongs to one account, and both sides say so: the account's members and the user's
    ``account``. Before, an account listing alice, whose own entry named none, was imported: the account
    (and its allowlist) showed her as a member, and her login ignored its allowlist."""
    carol, alice = (
        next(i for i, u in enumerate(document["users"]) if u["record"]["username"] == name)
        for name in ("carol", "alice")
    )
    assert document["users"][carol]["account"] == "U1234567"
    assert document["users"][alice]["account"] is None

    outsider = copy.deepcopy(document)
    outsider["accounts"][0]["members"].append("alice")
    assert "alice" in refused(keyed, admin_headers, redis_url, outsider, "accounts", 0)

    twice = copy.deepcopy(document)
    second = copy.deepcopy(twice["accounts"][0])
    second["record"]["account_id"] = "U7654321"
    twice["accounts"].append(second)  # carol a member of two accounts
    assert "carol" in refused(keyed, admin_headers, redis_url, twice, "accounts", 1)

    unlisted = copy.deepcopy(document)
    unlisted["accounts"][0]["members"] = []
    assert "U1234567" in refused(keyed, admin_headers, redis_url, unlisted, "users", carol)


def test_a_device_naming_a_user_who_does_not_list_it_is_refused(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str, document: Document
) -> None:
    """Carol's card, left out of her own device list: imported, the card still named her its owner, and her
    login said she had no second factor."""
    card = device_of(document, "dscplus")
    card_id = document["devices"][card]["device_id"]
    carol = next(i for i, u in enumerate(document["users"]) if u["record"]["username"] == "carol")
    broken = copy.deepcopy(document)
    broken["users"][carol]["devices"].remove(card_id)
    assert "carol" in refused(keyed, admin_headers, redis_url, broken, "devices", card)

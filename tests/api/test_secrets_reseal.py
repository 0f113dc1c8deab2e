"""Re-sealing (``/admin/v1/state/secrets``): what a server before ``v2`` left sealed under ``SLS_SECRET_KEY``
itself is counted, sealed again under the device secrets' own key, and keeps working; a login or a wrong PIN
meanwhile is never undone; a world document sealed the old way is re-sealed as it is imported."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import UNLOCK, World, push_login
from test_secrets_sealed_before import KEY, as_written_before, keyed, sealed_values
from test_state_transfer import a_world, export, logs_in

from sls_server.secretbox import SealError, SecretBox, device_box
from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.ibkey import IbKeyRepo
from sls_server.store.records import AppRecord
from sls_server.transfer import SecretsAtRest
from sls_server.transfer.reseal import Resealer

__all__ = ["keyed"]  # the fixture, for pytest

Sealed = dict[str, str]


def stored_sealed(url: str) -> Sealed:
    """Every sealed value in Redis by where it sits: ``<key> <field>``, an app user's as ``<key> <name>``.
    The context each is bound to is written out here, not taken from the server: a device's is its type and
    id, an app's value its app id and the user's name (or ``pin``)."""
    client = connect(url)
    try:
        found: Sealed = {}
        for key in client.scan_iter(match=keys.device("*")):
            record = client.hgetall(key)
            for field in ("sealed", "ocra_sealed"):
                if record.get(field):
                    found[f"{key} {field} {record['type']}:{record['device_id']}"] = record[field]
        for key in client.scan_iter(match=keys.ibkey_app("*")):
            record = client.hgetall(key)
            app = record["app_id"]
            for name, user in json.loads(record["users"]).items():
                found[f"{key} {name} ibkey-app:{app}:{name}"] = user["sealed"]
            if record.get("pin_sealed"):
                found[f"{key} pin_sealed ibkey-app:{app}:pin"] = record["pin_sealed"]
        return found
    finally:
        client.close()


def age(url: str) -> int:
    """Seal every value in Redis again as ``v1`` under the secret key itself, as a server before ``v2`` left
    them (each opened with the record it is bound to); how many."""
    new, old = device_box(KEY), SecretBox(KEY)
    client = connect(url)
    try:
        for where, value in stored_sealed(url).items():
            key, field, context = where.split(" ")
            before = old.seal(new.open(value, context), context)
            if field in ("sealed", "ocra_sealed", "pin_sealed"):
                client.hset(key, field, before)
            else:  # an app user's keys, inside the record's users JSON
                users = json.loads(client.hget(key, "users"))
                users[field]["sealed"] = before
                client.hset(key, "users", json.dumps(users))
        return len(stored_sealed(url))
    finally:
        client.close()


def versions(sealed: Sealed) -> set[str]:
    return {value.partition(":")[0] for value in sealed.values()}


def plaintexts(sealed: Sealed) -> dict[str, bytes]:
    """Each value opened under the box it names (``device_box`` opens both versions)."""
    box = device_box(KEY)
    return {where: box.open(value, where.split(" ")[2]) for where, value in sealed.items()}


def survey(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/admin/v1/state/secrets", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def reseal(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.post("/admin/v1/state/secrets/reseal", json={}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def more_devices(client: FlaskClient, headers: dict[str, str]) -> None:
    """carol's authenticator app and temporary passcode: every type that keeps a sealed secret."""
    for kind in ("totp", "temporary"):
        made = client.post("/admin/v1/users/carol/devices", json={"type": kind}, headers=headers)
        assert made.status_code == 201, made.get_json()


def test_old_secrets_are_counted_sealed_again_as_v2_and_still_log_in(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    held = a_world(keyed, admin_headers)
    more_devices(keyed, admin_headers)
    assert versions(stored_sealed(redis_url)) == {"v2"}
    assert survey(keyed, admin_headers)["older"] == 0
    aged = age(redis_url)  # the card, the TOTP, the passcode, the IB Key device; the app's keys and PIN
    before = stored_sealed(redis_url)
    assert aged == 6 and versions(before) == {"v1"}

    assert survey(keyed, admin_headers) == {
        "sealing_version": "v2",
        "devices": {"v1": 4},
        "ibkey_apps": {"v1": 2},
        "older": 6,
    }
    assert stored_sealed(redis_url) == before  # counting opened nothing and wrote nothing

    done = reseal(keyed, admin_headers)

    assert done == {
        "sealing_version": "v2",
        "devices": {"v2": 4},
        "ibkey_apps": {"v2": 2},
        "older": 0,
        "resealed": 6,
        "unopened": [],
    }
    after = stored_sealed(redis_url)
    assert versions(after) == {"v2"} and after.keys() == before.keys()
    assert plaintexts(after) == plaintexts(before)  # the same secrets, under the other key
    key_itself = SecretBox(KEY, version="v2")  # the secret key itself opens none of them now
    for where, value in after.items():
        with pytest.raises(SealError):
            key_itself.open(value, where.split(" ")[2])
    assert survey(keyed, admin_headers)["older"] == 0
    logs_in(keyed, admin_headers, held)
    events = World(keyed, admin_headers).events("secrets.resealed")
    assert [e["detail"] for e in events] == [{"devices": 4, "ibkey_apps": 2, "unopened": 0}]


def test_a_second_reseal_changes_nothing(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    a_world(keyed, admin_headers)
    age(redis_url)
    assert reseal(keyed, admin_headers)["resealed"] == 4
    once = stored_sealed(redis_url)

    again = reseal(keyed, admin_headers)

    assert again["resealed"] == 0 and again["older"] == 0
    assert stored_sealed(redis_url) == once  # not even sealed anew with other nonces


def test_nothing_sealed_is_nothing_to_reseal(keyed: FlaskClient, admin_headers: dict[str, str]) -> None:
    empty = {"sealing_version": "v2", "devices": {}, "ibkey_apps": {}, "older": 0}
    assert survey(keyed, admin_headers) == empty
    assert reseal(keyed, admin_headers) == {**empty, "resealed": 0, "unopened": []}


def test_a_device_no_user_lists_is_resealed_too(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """The walk is over the keys, not over the users' device lists: a record a list lost is re-sealed."""
    a_world(keyed, admin_headers)
    client = connect(redis_url)
    try:
        assert client.delete(keys.user_devices("carol")) == 1
    finally:
        client.close()
    age(redis_url)

    assert reseal(keyed, admin_headers)["resealed"] == 4
    assert versions(stored_sealed(redis_url)) == {"v2"}


class AppRepoWithAHand(IbKeyRepo):
    """The real repository, but after the re-seal's first read of the app, a wrong PIN is typed on the
    phone through the simulator (a write the re-seal's compare-and-set must not undo)."""

    def __init__(self, repo: IbKeyRepo, meanwhile: Callable[[], None]) -> None:
        self.__dict__.update(repo.__dict__)
        self._meanwhile: Callable[[], None] | None = meanwhile

    def get_apps(self, app_ids: list[str]) -> list[AppRecord]:
        found = super().get_apps(app_ids)
        if self._meanwhile is not None:
            hand, self._meanwhile = self._meanwhile, None
            hand()
        return found


def test_a_wrong_pin_typed_while_the_app_is_resealed_still_counts(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    a_world(keyed, admin_headers)
    age(redis_url)
    flask_app: Flask = keyed.application
    core = flask_app.extensions["sls"]
    world = World(keyed, admin_headers)
    (app_id,) = core.store.inventory.app_ids()
    started, note = push_login(world, "alice", app_id)

    def wrong_pin() -> None:
        refused = world.approve(app_id, note, started["factor"]["match"], pin="99zz")
        assert refused.status_code == 403 and refused.get_json()["error"] == "wrong_pin", refused.get_json()

    class Store:
        inventory = core.store.inventory
        devices = core.store.devices
        ibkey = AppRepoWithAHand(core.store.ibkey, wrong_pin)

    store: Any = Store()  # the store's three repositories the walk uses, one of them with the hand
    walk = SecretsAtRest(store, Resealer(device_box(KEY), core.factors, core.ibkey), core.events, core.clock)

    done = walk.reseal()

    record = core.store.ibkey.get_app(app_id)
    assert record.pin_failures == 1  # counted, not overwritten by the app as read before it
    # the two devices; the app's wrong PIN was written by the app sealed as now (each write of it seals anew)
    assert done["resealed"] == 2
    assert versions(stored_sealed(redis_url)) == {"v2"}
    approved = world.approve(app_id, note, started["factor"]["match"], **UNLOCK["android"])
    assert approved.status_code == 200, approved.get_json()


def test_a_world_document_sealed_the_old_way_is_resealed_as_it_is_imported(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    held = a_world(keyed, admin_headers)
    document = as_written_before(export(keyed, admin_headers))
    assert {value.partition(":")[0] for value in sealed_values(document)} == {"v1"}

    loaded = keyed.post("/admin/v1/state/import?replace=true", json=document, headers=admin_headers)

    assert loaded.status_code == 200, loaded.get_json()
    assert versions(stored_sealed(redis_url)) == {"v2"}
    assert survey(keyed, admin_headers)["older"] == 0
    logs_in(keyed, admin_headers, held)


def test_a_value_that_does_not_open_is_left_as_it_is_and_named(
    keyed: FlaskClient, admin_headers: dict[str, str], redis_url: str
) -> None:
    """A value sealed under another server's key (or moved from another record) cannot be sealed again: it
    stays as it was, its record is named, and the rest are re-sealed."""
    a_world(keyed, admin_headers)
    age(redis_url)
    client = connect(redis_url)
    try:
        card = next(
            k for k in client.scan_iter(match=keys.device("*")) if client.hget(k, "type") == "dscplus"
        )
        card_id = client.hget(card, "device_id")
        foreign = SecretBox(bytes.fromhex("4d" * 32)).seal(b"{}", f"dscplus:{card_id}")
        client.hset(card, "sealed", foreign)
    finally:
        client.close()

    done = reseal(keyed, admin_headers)

    assert done["unopened"] == [card_id]
    assert (done["resealed"], done["older"], done["devices"]) == (3, 1, {"v1": 1, "v2": 1})
    assert stored_sealed(redis_url)[f"{card} sealed dscplus:{card_id}"] == foreign
    events = World(keyed, admin_headers).events("secrets.resealed")
    assert [e["detail"] for e in events] == [{"devices": 1, "ibkey_apps": 2, "unopened": 1}]

"""The state document's promise, held whole: a rich world (``state_world``) exported, Redis wiped, the
document imported and exported again gives the same document, the same world in Redis (every key that is
not traffic comes back), and the same behaviour where it matters; and a document bad in any part, even its
last, changes nothing.

``TRAFFIC`` is the test's copy of the decision written in ``sls_server/transfer/export.py``: a key family
of ``sls_server/store/keys.py`` that is neither carried by the document nor listed there makes
``test_every_key_of_the_world_comes_back_holding_what_it_held`` fail, so a new kind of state is decided,
not forgotten.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from state_world import ADMIN, AT, HOME, OUTSIDE, Built, build
from test_state_transfer import snapshot

from sls_server.store import connect

#: Keys that are traffic through the world, not the world (``transfer/export.py`` says why each is out).
TRAFFIC = re.compile(
    r"^sls:\{(?:"
    r"u:[^}]+\}:(?:sessions|session:.*|login:.*|logins|inflight:.*|issued|ibkey_activation|device_strikes"
    r"|deleting)"
    r"|d:[^}]+\}:(?:used|issued|turn)"
    r"|ip:[^}]+\}:attempts"
    r"|p:[^}]+\}:(?:messages|calls|sent|outbox)"
    r"|rl:[^}]+\}:window"
    r"|rc:[^}]+\}:recovery"
    r"|ibpush:[^}]+\}:inbox"
    r"|ibapp:[^}]+\}:turn"
    r"|gw:[^}]+\}:(?:session|ended)"
    r"|events\}:.*|ready\}:probe|keycheck\}:secret_key|console\}:.*"
    r")$"
)


@pytest.fixture
def world(app_config: dict[str, Any]) -> Built:
    return build(app_config)


def _export(world: Built) -> dict[str, Any]:
    return world.admin("GET", "/state/export")  # type: ignore[no-any-return]


def _import(world: Built, document: dict[str, Any], *, replace: bool = True) -> Any:
    return world.client.post(
        f"/admin/v1/state/import?replace={str(replace).lower()}", json=document, headers=ADMIN
    )


def _reload(world: Built, document: dict[str, Any]) -> None:
    world.admin("POST", "/reset")
    world.ok(_import(world, document))


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """Less when it was made and the records' compare-and-set versions (they start again at 0)."""
    kept = copy.deepcopy(document)
    kept.pop("exported_at")
    for record in (*kept["devices"], *kept["ibkey_apps"]):
        record.pop("version", None)
    return kept


#: Hash fields a round trip does not keep, by design: the records' compare-and-set versions (they start again
#: at 0), the user's phone-device claim (a guard among racing enrolments, which reads the user's device
#: list when no claim names the device: ``phone_following.claim_phone``), and an account's incarnation with
#: its members' links to it (drawn anew by each making of the id, an import's included:
#: ``AccessRepo.create_account``).
NOT_KEPT = {"version", "phone_device", "incarnation", "account_incarnation"}


def _world(redis_url: str) -> dict[str, Any]:
    """Every key of the world (not traffic) with what it holds. A lockout bucket's zero counts are left out:
    the scripts delete a count they zero, the import writes it as 0, and both read as 0."""
    client = connect(redis_url)
    found: dict[str, Any] = {}
    try:
        for key in map(str, client.scan_iter(match="sls:*", count=1000)):
            kind = client.type(key)
            if TRAFFIC.match(key):
                continue
            if kind == "hash":
                fields = {k: v for k, v in client.hgetall(key).items() if k not in NOT_KEPT}
                if ":lock:" in key:
                    fields = {k: v for k, v in fields.items() if v != "0"}
                found[key] = fields
            elif kind == "set":
                found[key] = sorted(client.smembers(key))
            elif kind == "string":
                found[key] = client.get(key)
            else:
                found[key] = (kind, client.dump(key))
    finally:
        client.close()
    return found


def test_the_world_exported_wiped_and_imported_exports_the_same(world: Built) -> None:
    document = _export(world)
    kinds = {d["type"] for d in document["devices"]}
    assert kinds == {"dscplus", "ibkey", "sms", "voice", "totp", "temporary"}
    assert {d["status"] for d in document["devices"]} >= {"active", "pending_activation", "revoked"}

    _reload(world, document)

    assert _comparable(_export(world)) == _comparable(document)


def test_every_key_of_the_world_comes_back_holding_what_it_held(world: Built, redis_url: str) -> None:
    before = _world(redis_url)
    document = _export(world)

    _reload(world, document)

    after = _world(redis_url)
    assert sorted(after) == sorted(before)
    assert after == before


def test_the_world_behaves_the_same_after_the_round_trip(world: Built) -> None:
    _reload(world, _export(world))

    locked = world.login("pat")
    assert locked.status_code == 423 and "retry_after" not in locked.get_json()  # until an admin unlocks
    waiting = world.login("tim")
    assert waiting.status_code == 423 and waiting.get_json()["retry_after"] > 0
    assert world.login("dee").get_json()["error"] == "account_disabled"
    assert world.login("amy", OUTSIDE).get_json()["error"] == "ip_restricted"
    assert world.card_login("amy", "card", HOME).status_code == 200  # the card's sealed key still answers
    assert world.login("ben", OUTSIDE).get_json()["error"] == "ip_restricted"  # the account's allowlist
    assert world.card_login("ben", "card", HOME).status_code == 200  # the card, shared with him still
    assert world.card_response("kay-card", "123456").get_json()["error"] == "card_locked"
    clock = world.admin("GET", "/clock")
    assert (clock["now"], clock["frozen"]) == (AT + 60, True)
    assert world.client.get("/admin/v1/gateway", headers=ADMIN).get_json()["daily_reset"] == "10:30"
    devices = {d["device_id"]: d for d in world.admin("GET", "/users/dan/devices")["devices"]}
    assert devices[world.devices["dan-totp"]["device_id"]]["factor_locked"] is True
    ian = world.ok(world.client.get(f"/sim/v1/ibkey/{world.devices['ian-key']['device_id']}"))
    assert ian["notifications"] is False
    conditions = world.ok(world.client.get("/sim/v1/phones/+15550100031/conditions"))
    assert conditions["carrier_blocks_sms"] is True
    pens = world.ok(world.client.get("/sim/v1/phones/+15550100023/conditions"))
    assert (pens["needs_restart"], pens["approves_pushes"]) == (True, True)
    assert world.admin("GET", "/users/ben")["paper"] is True


def _bad_last(document: dict[str, Any], part: str) -> tuple[str, int | None]:
    """Spoil the last entry of ``part`` (the document otherwise good); where the refusal should point."""
    if part == "settings":
        document["settings"]["gateway_daily_reset"]["at"] = "25:00"
        return "settings", None
    last = len(document[part]) - 1
    entry = document[part][last]
    if part == "users":
        entry["known_ips"] = [*entry["known_ips"], "not-an-address"]
    elif part == "accounts":
        entry["record"]["created_at"] = "yesterday"
    elif part == "phones":
        entry["conditions"]["roaming"] = "maybe"
    else:  # devices, ibkey_apps: a record as this server never writes it
        entry["colour"] = "red"
    return part, last


@pytest.mark.parametrize("part", ["users", "devices", "accounts", "ibkey_apps", "phones", "settings"])
@pytest.mark.parametrize("replace", [True, False])
def test_a_document_bad_in_its_last_part_changes_nothing(
    world: Built, redis_url: str, part: str, replace: bool
) -> None:
    document = _export(world)
    world.admin("POST", "/reset")  # an empty world: without replace the good parts would all be added
    document_bad = copy.deepcopy(document)
    where, index = _bad_last(document_bad, part)
    world.admin("POST", "/users", {"username": "zed", "password": "Quiet-Lantern-State-42"}, 201)
    before = snapshot(redis_url)

    refused = _import(world, document_bad, replace=replace)

    assert refused.status_code == 400, refused.get_json()
    body = refused.get_json()
    assert body["field"].split(".")[0] == where and body.get("index") == index, body
    assert snapshot(redis_url) == before

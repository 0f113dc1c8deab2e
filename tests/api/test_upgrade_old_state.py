"""A world kept by the release before (a demo's data folder, a QA Redis) served by this one: what that release
wrote is read as it meant. It had no per-number owners set (``keys.phone_owners``, written at a user's
creation since) and counted a name's recovery codes and texts in one window each, where this release keeps two
lanes (the user's known addresses, every other). Its state is built here as it wrote it, key by key, and
``upgrade_stored_state`` (run once at start-up by ``sls serve``) is what carries it over."""

from __future__ import annotations

from typing import Any

from conftest import move_clock
from flask.testing import FlaskClient
from recovery_kit import ADMIN, PHONE, Rose

from sls_server import create_app
from sls_server.auth.recovery_codes import CODE_ATTEMPTS, CODE_TRIES_PER_NAME
from sls_server.store import Store, keys
from sls_server.store.upgrade import upgrade_stored_state

HOME = "127.0.0.1"  # the test client's address: rose signs in from it
STRANGER = "203.0.113.7"


def _client(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "IP_THROTTLE_LIMIT": 1000}).test_client()


def _post(rose: Rose, ip: str, path: str, body: dict[str, Any]) -> Any:
    return rose.client.post(f"/api/v1/auth/recovery{path}", json=body, environ_base={"REMOTE_ADDR": ip})


def _start(rose: Rose, ip: str) -> str:
    started = _post(rose, ip, "", {"username": "rose"})
    assert started.status_code == 200, started.get_json()
    return str(started.get_json()["recovery_token"])


def _as_written_before(store: Store, scope: str) -> None:
    """Each window of ``scope`` moved to its key of the release before, which had no lane: the same sorted
    set of tries (their times as scores), under the name alone."""
    for found in list(store.client.scan_iter(match=f"sls:{{rl:{scope}:*:new}}:window")):
        key = found.decode() if isinstance(found, bytes) else str(found)
        old = key.replace(":new}", "}")
        tries = store.client.zrange(key, 0, -1, withscores=True)
        store.client.zadd(old, {member: score for member, score in tries})
        store.client.expire(old, 86_460)
        store.client.delete(key)


def test_a_stranger_who_spent_the_codes_before_the_upgrade_is_still_refused(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """Before, a stranger spending twenty wrong codes spent the name's one window; read as nobody's after the
    upgrade, they had twenty more. Carried to the strangers' budget, they have none; the owner at home,
    whose budget the release before did not keep apart, resets her password."""
    client = _client(app_config)
    rose = Rose(client)
    rose.log_in()  # from HOME
    for _ in range(CODE_TRIES_PER_NAME // CODE_ATTEMPTS):
        token = _start(rose, STRANGER)
        for _ in range(CODE_ATTEMPTS):
            assert (
                _post(
                    rose, STRANGER, "/code", {"recovery_token": token, "code": rose.wrong_code()}
                ).status_code
                == 401
            )
    store = Store.from_url(redis_url)
    _as_written_before(store, "recovery_code")
    upgrade_stored_state(store)
    token = _start(rose, STRANGER)
    refused = _post(rose, STRANGER, "/code", {"recovery_token": token, "code": rose.wrong_code()})
    assert refused.status_code == 429, refused.get_json()
    move_clock(client, ADMIN, 601)  # the send limit lets a text through again
    token = _start(rose, HOME)
    step = _post(rose, HOME, "/code", {"recovery_token": token, "code": rose.recovery_code()})
    assert step.status_code == 200 and step.get_json()["state"] == "second_factor", step.get_json()


def test_the_recovery_texts_sent_before_the_upgrade_still_count(
    app_config: dict[str, Any], redis_url: str
) -> None:
    """The texts a stranger's starts sent before stay counted against the strangers' lane: the upgrade is no
    fresh batch of texts to the owner's phone."""
    client = _client(app_config)
    rose = Rose(client)
    strangers = [f"203.0.113.{n}" for n in range(10, 40)]  # each its own address: no address's limit reached
    for ip in strangers[:20]:
        assert _post(rose, ip, "", {"username": "rose"}).status_code == 200
    sent = _codes_texted(rose)
    assert 0 < sent < 20  # the lane's limit held the rest back
    store = Store.from_url(redis_url)
    for scope in ("recovery_text:user", "recovery_text:number"):
        _as_written_before(store, scope)
    upgrade_stored_state(store)
    assert _post(rose, strangers[25], "", {"username": "rose"}).status_code == 200
    assert _codes_texted(rose) == sent


def _codes_texted(rose: Rose) -> int:
    return sum(m["purpose"] == "password_recovery" for m in rose.texts())


def test_phone_events_over_sim_v1_name_the_owners_of_a_world_from_before(
    app_config: dict[str, Any], redis_url: str
) -> None:
    client = _client(app_config)
    Rose(client)
    store = Store.from_url(redis_url)
    store.client.delete(keys.phone_owners(PHONE))  # the release before wrote none
    upgrade_stored_state(store)
    assert client.post(f"/sim/v1/phones/{PHONE}/restart").status_code == 200
    events = client.get("/admin/v1/events?type=phone.restarted", headers=ADMIN).get_json()["events"]
    assert [e.get("user") for e in events] == ["rose"]


def test_the_upgrade_runs_once(app_config: dict[str, Any], redis_url: str) -> None:
    """Done, it is recorded (a wipe keeps the record): later starts scan nothing."""
    client = _client(app_config)
    Rose(client)
    store = Store.from_url(redis_url)
    assert upgrade_stored_state(store) is True
    store.client.delete(keys.phone_owners(PHONE))
    assert upgrade_stored_state(store) is False
    assert not store.client.exists(keys.phone_owners(PHONE))
    store.reset()
    assert upgrade_stored_state(store) is False

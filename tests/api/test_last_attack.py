"""The last attack staged, whatever its kind, kept by the server (``GET /admin/v1/attacks/last`` and the
console's twin, ``sim/last_attack.py``). Only the last push bombing's state was kept: a console reloaded
after a brute force staged since showed the older bombing's report, as if it were the last attack."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from ibkey_world import PASSWORD, World
from page_forms import sign_in_to_console
from test_trainer_attacks import attack


def last(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = client.get("/admin/v1/attacks/last", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_none_staged(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    assert last(client, admin_headers) == {"staged": False}


def test_a_push_bombing_comes_with_its_count_and_verdict(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    report = attack(client, "push_bombing", "alice", PASSWORD)
    found = last(client, admin_headers)
    assert (found["staged"], found["kind"], found["target"], found["report"]) == (
        True,
        "push_bombing",
        "alice",
        report,
    ), found
    bombing = found["push_bombing"]
    assert bombing["verdict"] == "pending" and bombing["pushes"] == 3 and "report" not in bombing, bombing
    first = world.notifications(app)[0]
    assert world.deny(app, first, pin="12ab").status_code == 200
    assert last(client, admin_headers)["push_bombing"]["answers"]["denied"] == 1


def test_an_attack_staged_after_a_push_bombing_is_the_last(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    world.activated_user("alice", "android")
    attack(client, "push_bombing", "alice", PASSWORD)
    brute = attack(client, "brute_force", "alice")
    found = last(client, admin_headers)
    assert (found["kind"], found["target"], found["report"]) == ("brute_force", "alice", brute), found
    assert "push_bombing" not in found  # the bombing's count is an older attack's
    # the console's twin reads the same; a wipe takes it with the world
    token = sign_in_to_console(client)
    twin = client.get("/trainer/attacks/last", headers={"X-CSRF-Token": token})
    assert twin.status_code == 200 and twin.get_json() == found
    assert client.post("/admin/v1/reset", headers=admin_headers).status_code == 200
    assert last(client, admin_headers) == {"staged": False}


def test_an_attack_that_could_not_run_is_the_last_one_staged(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    World(client, admin_headers).activated_user("alice", "android")
    attack(client, "brute_force", "alice")
    refused = attack(client, "push_bombing", "alice", "not-her-password-9")
    assert refused["verdict"] == "not_run"
    found = last(client, admin_headers)
    assert found["kind"] == "push_bombing" and found["report"] == refused and "push_bombing" not in found


def test_a_refused_request_stages_nothing(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    World(client, admin_headers).activated_user("alice", "android")
    token = sign_in_to_console(client)
    answer = client.post(
        "/trainer/attack",
        json={"attack": "push_bombing", "username": "alice", "password": None},
        headers={"X-CSRF-Token": token},
    )
    assert answer.status_code == 400 and answer.get_json()["field"] == "password"
    assert last(client, admin_headers) == {"staged": False}

"""A refused IB Key activation code is in the audit trail, and so is the code's death; the code never is.

Six activations with a wrong code answered 401 (`attempts_left` 4..0) then 410 and wrote nothing: an
administrator reading `GET /admin/v1/events?user=` saw no sign of someone guessing at the user's activation.
Each refusal now writes `ibkey.activation_failed` (result failure, the reason, the tries left) and the
attempt that killed the code `ibkey.activation_code_burnt` (``ActivationCodes.activate``).
"""

from __future__ import annotations

import json

from conftest import move_clock
from ibkey_world import PHONES, World, ibkey_world  # noqa: F401  (the world fixture)

WRONG = "00000000"


def test_each_wrong_code_and_the_codes_death_are_recorded_without_the_code(world: World) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "ios")["device_id"]
    code = world.code(PHONES["alice"])
    wrong = WRONG if code != WRONG else "11111111"
    answers = [world.activate(device_id, "alice", wrong, biometric=True) for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [410]
    failed = world.events("ibkey.activation_failed", "alice")
    assert [e["detail"].get("attempts_left") for e in failed] == [4, 3, 2, 1, 0, None]
    assert [e["detail"]["reason"] for e in failed] == ["wrong_code"] * 5 + ["code_dead"]
    assert {(e["result"], e["device_id"], e["factor"]) for e in failed} == {("failure", device_id, "ibkey")}
    burnt = world.events("ibkey.activation_code_burnt", "alice")
    assert [e["detail"] for e in burnt] == [{"reason": "too_many_wrong_codes"}]
    every = world.client.get("/admin/v1/events", query_string={"user": "alice"}, headers=world.headers)
    trail = json.dumps(every.get_json()["events"])
    assert "ibkey.activation_failed" in trail
    assert code not in trail and wrong not in trail


def test_a_code_found_expired_is_recorded_dead_once(world: World) -> None:
    world.user("carol")
    device_id = world.enrol("carol", "ios")["device_id"]
    code = world.code(PHONES["carol"])
    move_clock(world.client, world.headers, 601)
    late = [world.activate(device_id, "carol", code, biometric=True) for _ in range(2)]
    assert [a.status_code for a in late] == [410, 410]
    failed = world.events("ibkey.activation_failed", "carol")
    assert [e["detail"] for e in failed] == [{"reason": "expired"}, {"reason": "code_dead"}]
    burnt = world.events("ibkey.activation_code_burnt", "carol")
    assert [e["detail"] for e in burnt] == [{"reason": "expired"}]

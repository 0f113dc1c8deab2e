"""A typed answer sent to an IB Key push: `409 wrong_mode`, whose message says what to do instead, for a login
and for a step-up alike. A newcomer typed into a push login and was told to "poll the transaction": which
route polls a step-up (`POST /api/v1/verify` with its `txn_id` alone), and that the app's Challenge/Response
gives a code to type, were nowhere in the answer."""

from __future__ import annotations

from ibkey_world import World, ibkey_world, push_login  # noqa: F401  (the world fixture)


def test_a_typed_answer_to_a_push_login_names_the_poll_and_the_challenge_mode(world: World) -> None:
    app = world.activated_user("alice", "android")
    started, _ = push_login(world, "alice", app)

    typed = world.verify(started["txn_id"], "12345678")

    assert typed.status_code == 409 and typed.get_json()["error"] == "wrong_mode"
    told = typed.get_json()["message"]
    assert f"GET /api/v1/auth/login/{started['txn_id']}" in told
    assert f"POST /api/v1/auth/login/{started['txn_id']}/factor " in told  # its own id in both, to paste
    assert '{"type": "ibkey", "mode": "challenge"}' in told
    assert world.poll(started["txn_id"])["state"] == "pending"  # nothing spent: the push still waits


def test_a_typed_answer_to_a_push_step_up_names_its_own_poll(world: World) -> None:
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    assert world.approve(app, note, started["factor"]["match"], pin="12ab").status_code == 200
    bearer = {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}
    step = world.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer).get_json()
    assert step["factor"]["mode"] == "push"

    answer = {"txn_id": step["txn_id"], "response": "12345678"}
    typed = world.client.post("/api/v1/verify", json=answer, headers=bearer)

    assert typed.status_code == 409 and typed.get_json()["error"] == "wrong_mode"
    told = typed.get_json()["message"]
    assert "POST /api/v1/verify" in told and "txn_id" in told and "/auth/login/" not in told
    assert '"mode": "challenge"' in told

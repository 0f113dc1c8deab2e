"""The login page and the session, as the actor's browser or app uses them (``/api/v1``).

The login is bound to the client that started it: the runner sends the start answer's ``login_token`` as
``X-Login-Token`` on every later call of that login (``binding: token``), or lets the cookie the start set do
it (``cookie``), or sends neither from a fresh cookie jar (``none``), which is all a hijacker who learnt the
transaction id has. Session calls carry the actor's session token as a bearer token.
"""

from __future__ import annotations

import string
from typing import Any

from ..transport import LOGIN_TOKEN_HEADER, Response, segment
from ..world import Actor, Prompt, StepFailed, World
from . import Outcome, step
from .session_notes import sessionless_note

PROMPT_VARIABLES = ("challenge", "match")


def session_headers(actor: Actor) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.session}"} if actor.session else {}


def publish(world: World, prompt: Prompt) -> None:
    """``${txn}``, ``${factor}``, ``${challenge}``/``${match}`` of the newest prompt; stale ones go."""
    world.variables["txn"] = prompt.txn_id
    world.variables["factor"] = prompt.factor
    if prompt.login_token:
        world.variables["login_token"] = prompt.login_token
    for name in PROMPT_VARIABLES:
        if prompt.factor.get(name) is not None:
            world.variables[name] = prompt.factor[name]
        else:
            world.variables.pop(name, None)


def describe(answer: Response) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    factor = body.get("factor") or {}
    if factor:
        shown = factor.get("challenge") or (f"match {factor['match']}" if factor.get("match") else None)
        shown = shown or factor.get("sent_to") or factor.get("mode") or ""
        return f"{factor.get('type')} {shown}".strip()
    if body.get("state"):
        return str(body["state"])
    return ""


@step("login")
def login(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    body = {"user": body} if isinstance(body, str) else body
    user = str(body["user"])
    password = world.password(user, body.get("password"))
    answer = actor.client.request(
        "POST", "/api/v1/auth/login", json_body={"username": user, "password": password}
    )
    data = answer.body if isinstance(answer.body, dict) else {}
    if answer.status == 200 and data.get("txn_id"):
        prompt = Prompt(
            "login", data["txn_id"], actor.name, user, data.get("factor") or {}, data.get("login_token")
        )
        actor.pending = prompt
        world.prompts.append(prompt)
        publish(world, prompt)
    return Outcome(answer, _no_device_note(world, user, answer) or describe(answer))


def _no_device_note(world: World, user: str, answer: Response) -> str:
    """Why a setup user with a phone has no second factor: unlike ``POST /admin/v1/users`` and the fixture's
    ``create_user``, a scenario's setup gives a phone no SMS of account opening (its world holds what
    ``setup.devices`` lists), which a bare ``403 no_second_factor`` never told the scenario's author."""
    if answer.error != "no_second_factor" or not (world.users.get(user) or {}).get("phone"):
        return ""
    if any(device.user == user for device in world.devices.values()):
        return ""
    return (
        f"{user} has no device: a phone in setup.users enrols no SMS by itself; "
        f"add {{user: {user}, type: sms}} to setup.devices"
    )


def _pending(world: World, actor: Actor, body: dict[str, Any]) -> Prompt:
    if body.get("txn"):
        known = world.prompt_for(txn_id=str(body["txn"]))
        return known or Prompt("login", str(body["txn"]), actor.name, None, {})
    if actor.pending is None:
        raise StepFailed(f"{actor.name} has no login or step-up waiting: start one with `login` or `stepup`")
    return actor.pending


def _binding(actor: Actor, prompt: Prompt, how: str) -> tuple[Any, dict[str, str]]:
    """The client and headers that carry this login's binding, the way ``how`` says."""
    if how == "none":
        return actor.client.fork(), {}
    if how == "cookie":
        return actor.client, {}
    if not prompt.login_token:
        return actor.client, {}
    return actor.client, {LOGIN_TOKEN_HEADER: prompt.login_token}


def _wrong_answer(world: World, prompt: Prompt) -> str:
    kind = prompt.factor.get("type")
    if kind == "temporary":
        alphabet, size = string.ascii_uppercase + string.digits, 10
    else:
        alphabet = string.digits
        size = 6 if kind in ("sms", "voice") else int(prompt.factor.get("digits") or 8)
    while True:
        guess = "".join(world.rng.choice(alphabet) for _ in range(size))
        if guess != world.last_answer:
            return guess


@step("verify")
def verify(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    body = body or {}
    prompt = _pending(world, actor, body)
    typed = body.get("response")
    if body.get("wrong"):
        typed = _wrong_answer(world, prompt)
    poll = bool(body.get("poll")) or (typed is None and prompt.push)
    if typed is None and not poll:
        typed = world.last_answer
        if typed is None:
            raise StepFailed("nothing to type: no `response` given and no step read one off a device yet")
    if prompt.kind == "stepup":
        payload = {"txn_id": prompt.txn_id, **({} if poll else {"response": typed})}
        answer = actor.client.request(
            "POST", "/api/v1/verify", json_body=payload, headers=session_headers(actor)
        )
    else:
        client, headers = _binding(actor, prompt, str(body.get("binding", "token")))
        path = f"/api/v1/auth/login/{segment(prompt.txn_id)}"
        if poll:
            answer = client.request("GET", path, headers=headers)
        else:
            answer = client.request("POST", f"{path}/verify", json_body={"response": typed}, headers=headers)
    data = answer.body if isinstance(answer.body, dict) else {}
    if answer.status == 200 and (data.get("session") or {}).get("token"):
        owner = world.actor(prompt.actor) if prompt.actor in world.actors else actor
        owner.session = world.variables["session"] = data["session"]["token"]
        owner.session_user = prompt.user or owner.session_user
        owner.logged_out = False
        if owner.pending is prompt:
            owner.pending = None
    state = f" -> {data['state']}" if answer.status == 200 and data.get("state") else ""
    unexpected = _not_through(prompt, data) if answer.status == 200 else None
    return Outcome(answer, ("poll" if poll else f"typed {typed}") + state, unexpected=unexpected)


#: What a ``verify`` without ``expect`` answered 200 but not through means, and what the author writes to
#: show it: the poll of a push the phone denied answers ``200 {"state": "denied"}``, not an error, and passed
#: as any 2xx did; the scenario then failed at a later step that found no session, far from the cause.
NOT_THROUGH = {
    "denied": "the push was denied in the IB Key app (state: denied): this {kind} will not go through",
    "pending": "the push still waits for the IB Key app (state: pending): approve it first (`ibkey_approve`)",
    "expired": "this {kind} expired (state: expired): start it again",
}


def _not_through(prompt: Prompt, data: dict[str, Any]) -> list[str] | None:
    """The problem of a 200 that did not end the login (or step-up), for a ``verify`` without ``expect``."""
    state = str(data.get("state") or "")
    if state not in NOT_THROUGH:
        return None
    said = NOT_THROUGH[state].format(kind="step-up" if prompt.kind == "stepup" else "login")
    return [f"{said}; to show it, expect it: `expect: {{json: {{state: {state}}}}}`"]


def _switch(world: World, actor: Actor, payload: dict[str, Any]) -> Outcome:
    prompt = actor.pending
    if prompt is None or prompt.kind != "login":
        raise StepFailed(
            f"{actor.name} has no login waiting (a step-up picks its factor with `stepup: {{type}}`)"
        )
    path = f"/api/v1/auth/login/{segment(prompt.txn_id)}/factor"
    headers = {LOGIN_TOKEN_HEADER: prompt.login_token} if prompt.login_token else {}
    answer = actor.client.request("POST", path, json_body=payload, headers=headers)
    data = answer.body if isinstance(answer.body, dict) else {}
    if answer.status == 200 and data.get("factor"):
        prompt.factor = data["factor"]
        world.prompts.remove(prompt)
        world.prompts.append(prompt)  # the newest prompt again: what the page shows now
        publish(world, prompt)
    return Outcome(answer, describe(answer))


@step("choose_factor")
def choose_factor(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    payload: dict[str, Any] = {"type": body["type"]}
    if body.get("device"):
        payload["device_id"] = world.device(body["device"]).device_id
    if body.get("mode"):
        payload["mode"] = body["mode"]
    return _switch(world, actor, payload)


@step("request_code")
def request_code(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    return _switch(world, actor, {"type": body})


@step("tickle")
def tickle(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    answer = actor.client.request("POST", "/api/v1/session/tickle", headers=session_headers(actor))
    return Outcome(answer, sessionless_note(world, actor, answer))


@step("logout")
def logout(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    answer = actor.client.request("POST", "/api/v1/auth/logout", headers=session_headers(actor))
    note = sessionless_note(world, actor, answer)
    actor.logged_out = actor.logged_out or (200 <= answer.status < 300 and actor.session is not None)
    return Outcome(answer, note)


@step("stepup")
def stepup(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    body = {"purpose": body} if isinstance(body, str) else body
    payload: dict[str, Any] = {"purpose": body["purpose"]}
    if body.get("type"):
        payload["type"] = body["type"]
    if body.get("device"):
        payload["device_id"] = world.device(body["device"]).device_id
    if body.get("mode"):
        payload["mode"] = body["mode"]
    answer = actor.client.request("POST", "/api/v1/verify", json_body=payload, headers=session_headers(actor))
    data = answer.body if isinstance(answer.body, dict) else {}
    if answer.status == 200 and data.get("txn_id"):
        user = None
        prompt = Prompt("stepup", data["txn_id"], actor.name, user, data.get("factor") or {})
        actor.pending = prompt
        world.prompts.append(prompt)
        publish(world, prompt)
    return Outcome(answer, sessionless_note(world, actor, answer) or describe(answer))

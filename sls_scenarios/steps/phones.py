"""The simulated phones: reading texts and voice callbacks, and what the carrier does (``/sim/v1/phones``).

A phone's inbox keeps everything, so ``read_sms`` answers only what is new since the last look at that phone
(by message id): "the code did not arrive" is then an empty answer, not yesterday's code.
"""

from __future__ import annotations

from typing import Any

from sls_devices.phone import conditions_update

from ..transport import Response, segment
from ..world import Actor, StepFailed, World
from . import Outcome, step

CONDITIONS = (
    "carrier_blocks_sms",
    "roaming",
    "delivery_delay_s",
    "sim_swapped_to",
    "needs_restart",
    "roaming_loses_every",
    "approves_pushes",
)


def _read(
    world: World, actor: Actor, body: dict[str, Any], what: str
) -> tuple[Response, list[dict[str, Any]]]:
    number = world.phone_of(body)
    answer = world.sim(actor, "GET", f"/sim/v1/phones/{segment(number)}/{what}")
    if answer.status != 200 or not isinstance(answer.body, dict):
        return answer, []
    items = list(answer.body.get(what) or [])
    seen = world.seen.setdefault((what, number), set())
    new = [item for item in items if item.get("id") not in seen]
    seen.update(str(item.get("id")) for item in items)
    if body.get("purpose"):
        new = [item for item in new if item.get("purpose") == body["purpose"]]
    answer.body = {**answer.body, what: new}  # what this look showed: the new ones, newest first
    return answer, new


def _took_code(
    world: World, items: list[dict[str, Any]], where: str, what: str
) -> tuple[str, list[str] | None]:
    codes = [str(item["code"]) for item in items if item.get("code")]
    if codes:
        world.last_answer = world.variables["code"] = codes[0]
        return f"{len(items)} new, code {codes[0]}", None
    world.variables.pop("code", None)
    return f"{len(items)} new, no code", [f"no new {what} with a code reached {where}"]


@step("read_sms")
def read_sms(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    answer, new = _read(world, actor, body, "messages")
    if answer.status != 200:
        return Outcome(answer)
    summary, missing = _took_code(world, new, world.phone_of(body), "text")
    if body.get("purpose") == "notice":  # a notice carries no code: without `expect`, one must have come
        missing = None if new else [f"no new text of purpose notice reached {world.phone_of(body)}"]
    return Outcome(answer, summary, unexpected=missing)


@step("read_call")
def read_call(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    answer, new = _read(world, actor, body, "calls")
    if answer.status != 200:
        return Outcome(answer)
    summary, missing = _took_code(world, new, world.phone_of(body), "call")
    if new and new[0].get("transcript"):
        summary += f' ("{new[0]["transcript"][:60]}...")'
    return Outcome(answer, summary, unexpected=missing)


def set_conditions(world: World, actor: Actor, number: str, changes: dict[str, Any]) -> Response:
    """Change only what ``changes`` names: PUT replaces the whole set, so the rest is read first."""
    path = f"/sim/v1/phones/{segment(number)}/conditions"
    current = world.sim(actor, "GET", path)
    if current.status != 200 or not isinstance(current.body, dict):
        raise StepFailed(f"cannot read the conditions of {number}: {current.brief()}")
    return world.sim(actor, "PUT", path, conditions_update(current.body, changes))


@step("phone_conditions")
def phone_conditions(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    number = world.phone_of(body)
    changes = {key: body[key] for key in CONDITIONS if key in body}
    answer = set_conditions(world, actor, number, changes)
    return Outcome(answer, ", ".join(f"{k}={v}" for k, v in changes.items()))

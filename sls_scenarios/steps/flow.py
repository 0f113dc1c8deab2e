"""Steps about steps: ``repeat``, ``parallel``, and the ones that make no request (``expect``, ``capture``,
``say``), whose work the executor does.

``parallel`` is for races and floods: the branches wait at a barrier and are let go together, each on a fork
of its actors (same address, own cookie jar) and its own random generator seeded in order from the
scenario's, so ``--seed`` still fixes every choice whatever order the threads run in.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..transport import Response
from ..values import MISSING, interpolate
from ..world import Actor, StepFailed, World
from . import Outcome, StepResult, step, worst

MAX_THREADS = 64


@step("repeat")
def repeat(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    from ..execute import run_steps

    times = _count(interpolate(body["times"], world.variables))
    saved = world.variables.get("i", MISSING)
    rounds: list[Response] = []
    children: list[StepResult] = []
    ends_in_parallel = "parallel" in body["steps"][-1]
    try:
        for i in range(1, times + 1):
            world.variables["i"] = i
            before = world.last
            results = run_steps(world, body["steps"], judged_together="expect" in step_)
            took = sum(r.ms for r in results)
            round_result = StepResult(str(i), "round", f"round {i}", actor.name, ms=took, children=results)
            children.append(round_result)
            if ends_in_parallel and len(results) == len(body["steps"]):
                rounds.extend(world.branch_answers)  # each branch's last answer: the round has no one last
            elif world.last is not None and world.last is not before:
                rounds.append(world.last)  # a failed round's too: the title told 401 x5 of 6 rounds run
            round_result.status = worst(*(r.status for r in results))
            if round_result.status != "passed":
                round_result.message = "a step failed"
                break
    finally:
        if saved is MISSING:
            world.variables.pop("i", None)
        else:
            world.variables["i"] = saved
    return Outcome(
        None, f"{len(children)} of {times} rounds {_tally(rounds)}", rounds=rounds, children=children
    )


def _count(value: Any) -> int:
    try:
        times = int(value)
    except (TypeError, ValueError):
        raise StepFailed(f"times must be a whole number, got {value!r}") from None
    if not 1 <= times <= 1000:
        raise StepFailed(f"times must be 1..1000, got {times}")
    return times


def _tally(rounds: list[Response]) -> str:
    counts: dict[str, int] = {}
    for answer in rounds:
        counts[answer.brief()] = counts.get(answer.brief(), 0) + 1
    return ", ".join(f"{brief} x{n}" for brief, n in sorted(counts.items()))


def _branch_world(world: World, seed: float, i: int) -> World:
    forked = {
        name: dataclasses.replace(person, client=person.client.fork(), last=None)
        for name, person in world.actors.items()
    }
    return dataclasses.replace(
        world,
        actors=forked,
        variables={**world.variables, "i": i},
        rng=random.Random(seed),
        last=None,
        admin_client=None,
        branch_answers=[],
    )


@step("parallel")
def parallel(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    from ..execute import run_steps

    if "branches" in body:
        plans: list[list[dict[str, Any]]] = list(body["branches"])
    else:
        plans = [body["steps"]] * _count(interpolate(body.get("times", 0), world.variables))
    worlds = [_branch_world(world, world.rng.random(), i) for i in range(1, len(plans) + 1)]
    threads = min(len(plans), MAX_THREADS)
    gate = threading.Barrier(len(plans)) if len(plans) <= MAX_THREADS else None

    def branch(index: int) -> list[StepResult]:
        if gate is not None:
            gate.wait(timeout=30)
        return run_steps(worlds[index], plans[index], judged_together=True)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        outcomes = list(pool.map(branch, range(len(plans))))
    children = [
        StepResult(
            str(i), "branch", f"branch {i}", actor.name, ms=sum(r.ms for r in results), children=results
        )
        for i, results in enumerate(outcomes, start=1)
    ]
    rounds = [w.last for w in worlds if w.last is not None]
    world.branch_answers = rounds
    for child in children:
        child.status = worst(*(r.status for r in child.children))
        if child.status != "passed":
            child.message = "a step failed"
    for branch_world in worlds:  # what the branches captured stays; their counters do not
        world.variables.update({k: v for k, v in branch_world.variables.items() if k != "i"})
    return Outcome(None, f"{len(plans)} branches {_tally(rounds)}", rounds=rounds, children=children)


@step("expect")
def expect(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    return Outcome(None)


@step("capture")
def capture(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    return Outcome(None, ", ".join(body))


@step("say")
def say(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    return Outcome(None)

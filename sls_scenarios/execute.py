"""Running steps: fill in variables, call the step, judge it (``expect`` or the default), capture values.

Shared by the runner (the scenario's steps) and by ``repeat``/``parallel`` (the steps they hold), so a step
inside a loop behaves exactly like one outside it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from . import expect as judging
from .steps import DEFERRED, Outcome, StepResult, load_all, worst
from .values import MISSING, WHOLE, UndefinedVariable, interpolate, lookup
from .world import StepFailed, World

COMMON = ("actor", "name", "expect", "capture")
TITLE_KEYS = ("user", "device", "type", "phone", "purpose", "method", "path", "times", "seconds", "to")
#: Called after each step with its result: how the reports show live progress.
Listener = Callable[[StepResult, dict[str, Any]], None]


def kind_of(step: dict[str, Any]) -> str:
    """The step's type: its one non-common key; ``expect`` or ``capture`` when it has only common keys."""
    return next((key for key in step if key not in COMMON), "expect" if "expect" in step else "capture")


def title_of(kind: str, body: Any, step: dict[str, Any]) -> str:
    """A short human line for the step (``login alice``, ``card card``), unless it names itself."""
    if step.get("name"):
        return str(step["name"])
    if isinstance(body, str | int | float) and kind not in ("say",):
        return f"{kind} {body}"
    if kind == "say":
        return f"say {' '.join(str(body).split())}"
    if isinstance(body, dict):
        shown = [str(body[k]) for k in TITLE_KEYS if k in body and not isinstance(body[k], dict | list)]
        return " ".join([kind, *shown])
    return kind


def run_steps(
    world: World,
    steps: list[dict[str, Any]],
    prefix: str = "",
    *,
    listener: Listener | None = None,
    judged_together: bool = False,
) -> list[StepResult]:
    """Run ``steps`` in order; stop at the first failure (later steps would only fail for its reason)."""
    results = []
    for number, step in enumerate(steps, start=1):
        result = run_step(world, step, f"{prefix}{number}", judged_together=judged_together)
        results.append(result)
        if listener:
            listener(result, step)
        if result.status != "passed":
            break
    return results


def run_step(world: World, step: dict[str, Any], index: str, *, judged_together: bool = False) -> StepResult:
    registry = load_all()
    kind = kind_of(step)
    actor_name = step.get("actor", "user")
    raw = step[kind]
    result = StepResult(index, kind, title_of(kind, raw, step), actor_name)
    started = time.perf_counter()
    try:
        actor = world.actor(actor_name)
        body = raw if kind in DEFERRED else interpolate(raw, world.variables)
        result.title = title_of(kind, body, step)
        outcome: Outcome = registry[kind](world, actor, body, step)
        if outcome.response is not None:
            actor.last = world.last = outcome.response
        result.children = _renumber(outcome.children, index)
        result.answer = outcome.response.brief() if outcome.response is not None else ""
        if outcome.summary and not step.get("name"):
            result.title = f"{result.title}: {outcome.summary}"
        problems = _judge(world, step, kind, body, outcome, actor.last, judged_together=judged_together)
        if problems:
            raise StepFailed("; ".join(problems))
        if kind == "capture":  # a standalone capture reads the last answer (of its actor, if it names one)
            _capture(world, body, Outcome(response=actor.last if "actor" in step else world.last))
        else:
            _capture(world, step.get("capture"), outcome)
    except (StepFailed, UndefinedVariable, ConnectionError) as exc:
        result.status, result.message = "failed", str(exc)
    except Exception as exc:  # a bug (ours or the step's): an error, never a failure `expect_failure` excuses
        result.status, result.message = "error", f"unexpected {type(exc).__name__}: {exc} (a runner bug?)"
    result.ms = (time.perf_counter() - started) * 1000
    inside = worst(*(child.status for child in result.children))
    if worst(inside, result.status) != result.status:
        result.status = inside
        result.message = "a step inside crashed" if inside == "error" else "a step inside failed"
    return result


def _renumber(children: list[StepResult], parent: str) -> list[StepResult]:
    """Give nested results their full index (``5.2.1``: step 1 of round 2 of step 5)."""
    for child in children:
        child.index = f"{parent}.{child.index.rsplit('.', 1)[-1]}"
        _renumber(child.children, child.index)
    return children


def _judge(
    world: World,
    step: dict[str, Any],
    kind: str,
    body: Any,
    outcome: Outcome,
    last: Any,
    *,
    judged_together: bool,
) -> list[str]:
    if kind == "expect":
        target = last if "actor" in step else world.last
        return judging.check(body, target, world)
    if "expect" in step:
        return judging.check(step["expect"], outcome.response, world, outcome.rounds)
    if judged_together:
        return []  # rounds and branches are judged together, by their loop's own expect
    if outcome.unexpected is not None:
        return outcome.unexpected
    return judging.default_problems(outcome.response)


def _capture(world: World, captures: dict[str, str] | None, outcome: Outcome) -> None:
    if not captures:
        return
    response = outcome.response
    if response is None:
        raise StepFailed("nothing to capture from: no answer yet")
    for name, path in captures.items():
        if path == "$status":
            world.variables[name] = response.status
            continue
        if path == WHOLE:  # the whole answer: a plain-text one (the outbox hook's code) has no path
            world.variables[name] = response.body
            continue
        value = lookup(response.body, path)
        if value is MISSING:
            hint = judging.instead(response.body, path)  # the keys it has, as a failed `expect` names them
            raise StepFailed(f"capture {name}: the answer has no {path!r} ({response.brief()}){hint}")
        world.variables[name] = value

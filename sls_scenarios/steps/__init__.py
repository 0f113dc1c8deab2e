"""The step types, one module per family: ``login`` (the login page and the session), ``devices`` (the card,
the IB Key app, an authenticator app's code), ``phones`` (texts, calls, the carrier), ``world`` (clock, raw
calls, the broker's admin acts) and ``flow`` (repeat, parallel, expect, capture, say).

Each step function gets the world, the acting actor and the step's body with its variables already filled in,
and returns an ``Outcome``: the answer to judge and a line saying what happened. It raises ``StepFailed``
when it cannot do what it says. Judging the answer against ``expect`` is the executor's job, not the step's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..transport import Response
from ..world import Actor, World


@dataclass
class StepResult:
    """What one step did, for the reports: a tree, since ``repeat`` and ``parallel`` hold steps."""

    index: str
    kind: str
    title: str
    actor: str
    status: str = "passed"  # passed | failed | error (the runner crashed: never an expected failure)
    ms: float = 0.0
    message: str = ""
    answer: str = ""
    children: list[StepResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "index": self.index,
            "type": self.kind,
            "title": self.title,
            "actor": self.actor,
            "status": self.status,
            "ms": round(self.ms, 1),
            "answer": self.answer,
        }
        if self.message:
            data["message"] = self.message
        if self.children:
            data["children"] = [child.as_dict() for child in self.children]
        return data


#: Step statuses from best to worst: a step holding steps takes the worst of its own and theirs.
SEVERITY = ("passed", "failed", "error")


def worst(*statuses: str) -> str:
    """The worst of ``statuses`` (``passed`` for none): a crash inside a loop makes the loop an error, not a
    failure an ``expect_failure`` mark would excuse."""
    return max(statuses, key=SEVERITY.index, default="passed")


@dataclass
class Outcome:
    response: Response | None = None
    summary: str = ""
    rounds: list[Response] | None = None
    children: list[StepResult] = field(default_factory=list)
    #: What to report when the step has no ``expect``; ``None`` means the default (the answer must be 2xx).
    unexpected: list[str] | None = None


StepFunction = Callable[[World, Actor, Any, dict[str, Any]], Outcome]
STEPS: dict[str, StepFunction] = {}
#: Steps whose bodies hold steps: the executor fills in their variables round by round, not up front.
DEFERRED = {"repeat", "parallel"}


def step(name: str) -> Callable[[StepFunction], StepFunction]:
    def register(function: StepFunction) -> StepFunction:
        STEPS[name] = function
        return function

    return register


def load_all() -> dict[str, StepFunction]:
    """Import every family (each registers its steps) and return the registry."""
    from . import devices, flow, login, phones, world  # noqa: F401 - imported for their registrations

    return STEPS

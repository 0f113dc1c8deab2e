"""Running scenarios: for each, prepare the target, wipe and build the world, take the steps, judge.

A scenario passes when every step does. One marked ``expect_failure`` is *expected* to fail: its failure is
reported with the reason (``xfailed``) and does not fail the run, but if it passes, that is a failure
(``xpassed``): the mark is stale and must go, so a fixed server cannot hide behind it. One that needs server
settings a running server lacks is ``skipped`` with the settings it needs: it does not fail the run either.

``python -m sls_scenarios.runner FILE...`` runs files with the plain report; ``sls scenario run`` is the full
command (library names, JUnit, JSON, a running server).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .execute import run_steps
from .loader import Scenario, invalid_name, load, name_clashes
from .positions import ScenarioInvalid
from .setup import DEFAULT_CLOCK, SetupFailed, apply, new_world, reset
from .steps import StepResult
from .targets import InProcessTarget, RemoteTarget, SettingsUnavailable, TargetError, probe_addresses
from .world import StepFailed, World

OK = ("passed", "xfailed", "skipped")


@dataclass
class ScenarioResult:
    name: str
    file: str
    status: str  # passed | failed | error | xfailed | xpassed | skipped
    seconds: float = 0.0
    steps: list[StepResult] = field(default_factory=list)
    message: str = ""
    reason: str | None = None  # the expect_failure mark
    line: int | None = None  # where the failed step is written, for CI's annotations and an editor's jump
    description: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in OK

    def failed_step(self) -> StepResult | None:
        def first(results: list[StepResult]) -> StepResult | None:
            for result in results:
                if result.status != "passed":
                    return first(result.children) or result
            return None

        return first(self.steps)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "file": self.file,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "tags": self.tags,
            "steps": [s.as_dict() for s in self.steps],
        }
        if self.message:
            data["message"] = self.message
        if self.reason:
            data["expect_failure"] = self.reason
        if self.line:
            data["line"] = self.line
        return data


class Listener(Protocol):
    """What reports hear while scenarios run (live progress, the trainer's demo)."""

    def scenario_started(self, scenario: Scenario, world: World | None) -> None: ...

    def step_done(self, result: StepResult, step: dict[str, Any], world: World) -> None: ...

    def scenario_done(self, result: ScenarioResult) -> None: ...


class Runner:
    def __init__(
        self,
        target: InProcessTarget | RemoteTarget,
        *,
        seed: int = 0,
        listener: Listener | None = None,
        fail_on_skip: bool = False,
    ):
        self.target = target
        self.seed = seed
        self.listener = listener
        #: A scenario the target cannot run fails instead of being skipped: a CI job that must run every
        #: scenario (a green run of skips tested nothing) says so with ``--fail-on-skip``.
        self.fail_on_skip = fail_on_skip

    def run(self, scenario: Scenario) -> ScenarioResult:
        started = time.perf_counter()
        result = ScenarioResult(
            scenario.name,
            str(scenario.path),
            "passed",
            reason=scenario.expect_failure,
            description=scenario.description,
            tags=scenario.tags,
        )
        world: World | None = None
        try:
            world = self._world(scenario)
        except SettingsUnavailable as exc:
            result.status, result.message = "skipped", f"this scenario {exc}"
        except SetupFailed as exc:  # an entry of the setup the server refused: named at its line
            result.status, result.message = "error", f"setup: {exc}"
            result.line = scenario.positions.of(exc.where)[0]
        except (TargetError, StepFailed, ConnectionError) as exc:
            result.status, result.message = "error", f"setup: {exc}"
        if self.listener:
            self.listener.scenario_started(scenario, world)
        if world is not None:
            listener = self.listener
            result.steps = run_steps(
                world,
                scenario.data["steps"],
                listener=(lambda r, s: listener.step_done(r, s, world)) if listener else None,
            )
            failed = result.failed_step()
            if failed is not None:
                result.status, result.message = (
                    "error" if failed.status == "error" else "failed",  # a crash is no expected failure
                    f"step {failed.index} ({failed.title}): {failed.message}",
                )
                result.line = scenario.positions.of(_written_at(scenario.data["steps"], failed.index))[0]
        result.status = _marked(result, scenario.expect_failure)
        if result.status == "skipped" and self.fail_on_skip:
            # an error, as a scenario that could not start: never an expected failure
            result.status, result.message = "error", f"{result.message} (a skip fails this run: fail-on-skip)"
        result.seconds = time.perf_counter() - started
        if self.listener:
            self.listener.scenario_done(result)
        return result

    def _world(self, scenario: Scenario) -> World:
        setup = scenario.data.get("setup") or {}
        self.target.prepare(setup.get("settings") or {})
        world = new_world(self.target, scenario, self.seed)
        clock = setup.get("clock", DEFAULT_CLOCK)
        reset(world, clock)
        if self.target.remote:
            probe_addresses(self.target, {a.name: a.address for a in world.actors.values() if a.address})
            reset(world, clock)
        apply(world, setup)
        return world


def _written_at(steps: list[dict[str, Any]], index: str) -> tuple[str | int, ...]:
    """The document path of the step a report numbers ``index`` (``5.2.1``: step 1 of round 2 of step 5,
    which is the first of step 5's ``steps``, or of its second branch)."""
    first, *rest = (int(part) - 1 for part in index.split("."))
    path: tuple[str | int, ...] = ("steps", first)
    step = steps[first]
    while len(rest) >= 2 and ("repeat" in step or "parallel" in step):
        kind = "repeat" if "repeat" in step else "parallel"
        (round_, inner, *rest), body = rest, step[kind]
        if "branches" in body:
            path, step = (*path, kind, "branches", round_, inner), body["branches"][round_][inner]
        else:
            path, step = (*path, kind, "steps", inner), body["steps"][inner]
    return path


def _marked(result: ScenarioResult, reason: str | None) -> str:
    if not reason or result.status in ("error", "skipped"):
        return result.status
    if result.status == "failed":
        return "xfailed"
    result.message = f"marked expect_failure ({reason}) but it passed: remove the mark"
    return "xpassed"


def run_paths(
    paths: Iterable[Path], runner: Runner, *, invalid: Callable[[ScenarioResult], None] | None = None
) -> list[ScenarioResult]:
    """Load and run each file; a file that does not load, or whose scenario name another file has too, is an
    ``error`` result naming its problems (the report and JUnit are still written, as for any invalid file),
    handed to ``invalid`` in its turn (the console shows every problem: a summary's row has room for one)."""
    loaded: list[tuple[Path, Scenario | ScenarioInvalid]] = []
    for path in paths:
        try:
            loaded.append((Path(path), load(path)))
        except ScenarioInvalid as exc:
            loaded.append((Path(path), exc))
    clashes = iter(name_clashes([entry for _, entry in loaded if isinstance(entry, Scenario)]))
    results = []
    for path, entry in loaded:
        if isinstance(entry, Scenario):
            mine = next(clashes)
            if not mine:
                results.append(runner.run(entry))
                continue
            entry = ScenarioInvalid(mine)
        first = entry.problems[0].line if entry.problems else None  # CI annotates the file there
        name = invalid_name(path, entry)
        result = ScenarioResult(name, str(path), "error", message=str(entry), line=first)
        if invalid is not None:
            invalid(result)
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m sls_scenarios.runner FILE...``: run in-process, print each result; 0 only if all pass."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sls_scenarios.runner", description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="*.scenario.yaml files")
    parser.add_argument("--seed", type=int, default=0, help="fixes every random choice the runner makes")
    args = parser.parse_args(argv)
    target = InProcessTarget()
    try:
        results = run_paths(args.files, Runner(target, seed=args.seed))
    finally:
        target.close()
    for result in results:
        print(f"{result.status.upper():8} {result.name} ({result.seconds:.2f}s) {result.message}".rstrip())
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The pytest side of ``*.scenario.yaml`` files: the file collector, an item per scenario (and one per file
that is not a valid scenario), and the session's one target they run on. The hooks that make pytest use
them live in ``pytest_plugin`` (the module the ``pytest11`` entry point names, where pytest looks for
hooks); this one has none, so it is imported from there and imports nothing of it.

Nothing heavy is imported until a scenario is collected or run: ``pytest_plugin`` imports this module in
every pytest run of an environment where the package is installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .loader import Scenario
    from .positions import Problem, ScenarioInvalid
    from .runner import ScenarioResult

_TARGET = pytest.StashKey[Any]()


def token(config: pytest.Config, kind: str) -> str | None:
    """``--sls-<kind>-token``, else ``SLS_<KIND>_TOKEN``: the names every ``sls`` command reads."""
    import os

    given: str | None = config.getoption(f"sls_{kind}_token", None)
    return given or os.environ.get(f"SLS_{kind.upper()}_TOKEN") or None


class _ScenarioProblem(Exception):
    def __init__(self, result: ScenarioResult) -> None:
        super().__init__(result.message)
        self.result = result


class ScenarioFailed(_ScenarioProblem):
    """A scenario's step failed (the report lists the steps); what an ``expect_failure`` mark expects."""


class ScenarioBroken(_ScenarioProblem):
    """The scenario could not start (its setup, or the target): never an expected failure."""


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .loader import invalid_name, load
        from .positions import ScenarioInvalid

        try:
            scenario = load(self.path)
        except ScenarioInvalid as exc:
            # an item that errors at setup, not a collection error: one of those interrupts the whole
            # session (every other scenario and Python test unrun), where `sls scenario run` reports the
            # file as an error case and runs the rest
            yield InvalidScenarioItem.from_parent(self, name=invalid_name(self.path, exc), problem=exc)
            return
        item = ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)
        item.extra_keyword_matches.update(scenario.tags)  # -k attack selects by tag
        if scenario.expect_failure:
            item.add_marker(
                pytest.mark.xfail(reason=scenario.expect_failure, strict=True, raises=ScenarioFailed)
            )
        yield item


class _AtScenarioFile(pytest.Item):
    """An item that is one scenario file: pytest reports it at the file, named as the scenario."""

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario {self.name}"


class ScenarioItem(_AtScenarioFile):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        #: Its name is another collected scenario's too (``pytest_collection_modifyitems``).
        self.clashes: list[Problem] = []

    def setup(self) -> None:
        """A scenario whose name another one has too is an error, as ``sls scenario run`` makes it an error
        case: never run, whichever of the two was meant."""
        if self.clashes:
            from .positions import ScenarioInvalid

            pytest.fail(_invalid(ScenarioInvalid(self.clashes)), pytrace=False)

    def runtest(self) -> None:
        from .runner import Runner

        runner = Runner(
            session_target(self.config),
            seed=self.config.getoption("sls_seed"),
            fail_on_skip=self.config.getoption("sls_fail_on_skip"),
        )
        result = runner.run(self.scenario)
        self.user_properties.append(("seconds", round(result.seconds, 3)))
        # in pytest's own words: its options are --sls-*
        result.message = result.message.replace("(without --server)", "(without --sls-server)")
        if result.status == "skipped":  # at the scenario file (pytest -rs showed this plugin's source line)
            raise pytest.skip.Exception(result.message, _use_item_location=True)
        if result.status == "error":
            raise ScenarioBroken(result)
        if result.status in ("failed", "xfailed"):
            raise ScenarioFailed(result)
        # "xpassed" returns normally: the strict xfail marker turns it into a failure

    def where(self, result: ScenarioResult) -> str:
        """The scenario's file from where pytest was started (absolute if outside), and the failed line."""
        path, here = self.scenario.path, self.config.invocation_params.dir
        where = str(path.relative_to(here)) if path.is_relative_to(here) else str(path)
        return f"{where}:{result.line}" if result.line else where

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, _ScenarioProblem):
            from .report import step_log

            result = excinfo.value.result
            where = self.where(result)
            # the reason first, as pytest's short summary shows the first line (cut to the terminal's
            # width) and an absolute path left no room for it; the place last, as pytest ends a traceback
            return "\n".join(
                [f"{result.status}: {result.message}", *step_log(result.steps), f"{where}: {result.status}"]
            )
        return str(super().repr_failure(excinfo))


def _invalid(problem: ScenarioInvalid) -> str:
    """Its first problem on the first line (what pytest's short summary shows, after the node id that names
    the file), then every problem at its FILE:LINE:COLUMN."""
    first = problem.problems[0]
    more = len(problem.problems) - 1
    said = f"invalid scenario: {first.where + ': ' if first.where else ''}{first.message}"
    return f"{said}{f' (and {more} more)' if more else ''}\n{problem}"


class InvalidScenarioItem(_AtScenarioFile):
    """A file that is not a valid scenario: an error at setup listing its problems (FILE:LINE:COLUMN), named
    as the scenario it means to be (``loader.invalid_name``)."""

    def __init__(self, *, problem: ScenarioInvalid, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem

    def setup(self) -> None:
        pytest.fail(_invalid(self.problem), pytrace=False)

    def runtest(self) -> None:  # never reached: setup fails
        raise AssertionError("an invalid scenario cannot run")


def one_session_per_server(config: pytest.Config) -> None:
    """Under pytest-xdist each worker is a session of its own, and a session wipes, sets up and puts back
    ``--sls-server``'s world: two workers did so under each other's scenarios (``409 user_exists``, logins
    refused mid-scenario). Refused on the controller, before any worker starts; in-process, each worker has
    a world of its own."""
    workers = config.getoption("numprocesses", None)
    shared = isinstance(workers, int) and workers > 1 and config.getoption("dist", "no") != "no"
    if config.getoption("sls_server", None) and shared and not hasattr(config, "workerinput"):
        raise pytest.UsageError(
            f"--sls-server with pytest-xdist (-n {workers}): each worker would wipe and put back that one "
            "server's world under the others' scenarios; run the scenario files against it without workers "
            "(-n 0 or -p no:xdist), or in-process (without --sls-server), where each worker has its own"
        )


def where_xfail_failed(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """An expected failure says where it failed, after the mark's reason (pytest's ``-rx`` and JUnit
    ``<skipped>`` carried the reason alone), as ``sls scenario run --junit`` does: a marked scenario that
    began to fail elsewhere, its setup or an earlier step, is told apart from one failing as meant."""
    failed = call.excinfo.value if call.excinfo is not None else None
    marked = getattr(report, "wasxfail", None)
    if marked and isinstance(item, ScenarioItem) and isinstance(failed, ScenarioFailed):
        report.wasxfail = f"{marked}; it failed at {item.where(failed.result)}: {failed.result.message}"


def session_target(config: pytest.Config) -> Any:
    """One target per test session: an in-process app on its own Redis, or --sls-server."""
    if _TARGET not in config.stash:
        from .targets import InProcessTarget, RemoteTarget

        server = config.getoption("sls_server")
        target = (
            RemoteTarget(server, token(config, "admin"), token(config, "sim"))
            if server
            else InProcessTarget()
        )
        config.stash[_TARGET] = target
        config.add_cleanup(lambda: _close(target, config))
    return config.stash[_TARGET]


def _close(target: Any, config: pytest.Config) -> None:
    """The session's end: a server whose clock could not be put back is told, after the results."""
    from .targets import TargetError

    try:
        target.close()
    except (TargetError, ConnectionError) as exc:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"sls-emulator: warning: {exc}", yellow=True)

"""A batch run the way ``sls scenario run`` does it: pick the target, run each file with live progress,
then the summary, the JUnit file and the JSON document. Kept here so the command only parses options."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from . import report
from .loader import invalid_name, load
from .positions import ScenarioInvalid
from .runner import Runner, ScenarioResult, run_paths
from .targets import InProcessTarget, RemoteTarget


class JunitNotWritten(Exception):
    """The JUnit file could not be written once the run was over: the command line's mistake (exit 2), told
    in one line; the results are printed already."""


def run_batch(
    files: list[Path],
    console: Console,
    *,
    server: str | None = None,
    admin_token: str | None = None,
    sim_token: str | None = None,
    seed: int = 0,
    verbose: bool = False,
    junit: Path | None = None,
    known: Mapping[str, Any] | None = None,
    fail_on_skip: bool = False,
) -> tuple[list[ScenarioResult], dict[str, Any]]:
    """Run ``files`` in-process, or against ``server`` (known to run with ``known`` settings beyond the
    defaults); the results and their JSON document.

    ``TargetError`` before anything runs when the server cannot be used (no admin token);
    ``JunitNotWritten`` after it when ``junit`` cannot be written.
    """
    target = RemoteTarget(server, admin_token, sim_token, applied=known) if server else InProcessTarget()
    try:
        listener = report.ConsoleReport(console, verbose=verbose)
        runner = Runner(target, seed=seed, listener=listener, fail_on_skip=fail_on_skip)
        results = run_paths(files, runner, invalid=listener.scenario_invalid)
    finally:
        report.close_target(target, console)
    report.summary(console, results)
    if junit:
        try:
            report.write_junit(junit, results, seed=seed)
        except OSError as exc:  # a check before the run passed: a name too long, a folder under /proc
            raise JunitNotWritten(f"--junit: cannot write {junit}: {exc.strerror or exc}") from None
        console.print(f"JUnit XML written to {junit}", style="dim", soft_wrap=True)
    return results, report.as_json(results, seed=seed, target=target.label)


def write_not_run(junit: Path, files: list[Path], why: str, *, seed: int) -> None:
    """The JUnit file of a run that could not start (no server at ``--server``, its token refused): each
    scenario an error case saying why it did not run, named as a run names it (an invalid file too), so CI's
    report shows the reason under the tests it keeps the history of. Without it the run exited 1 with no
    file, and CI's report step said only that no test report was found."""
    results = []
    for path in files:
        try:
            name = load(path).name
        except ScenarioInvalid as exc:
            name = invalid_name(path, exc)
        results.append(ScenarioResult(name, str(path), "error", message=f"not run: {why}"))
    try:
        report.write_junit(junit, results, seed=seed)
    except OSError as exc:
        raise JunitNotWritten(f"--junit: cannot write {junit}: {exc.strerror or exc}") from None


def print_problems(checked: list[dict[str, Any]], out: Console, err: Console) -> None:
    """``sls scenario validate``: ``valid FILE``, or each problem as FILE:LINE:COLUMN: where: what."""
    for entry in checked:
        if entry["valid"]:
            out.print(Text.assemble(("valid", "green"), f" {entry['file']}"), soft_wrap=True, highlight=False)
        for problem in entry["problems"]:
            place = f" {problem['where']}:" if problem["where"] else ""
            line = f"{problem['file']}:{problem['line']}:{problem['column']}:{place} {problem['message']}"
            err.print(line, style="red", soft_wrap=True, markup=False, highlight=False)

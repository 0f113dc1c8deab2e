"""What a run tells people and machines: live progress and a summary with ``rich``, JUnit XML for CI, JSON.

Progress is one line per step as it finishes (status, index, what happened, the answer, the time), so a
long run shows where it is; a failed step prints why, and the steps inside a ``repeat`` or ``parallel``
appear only when one of them failed (thirty identical guesses are one line).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .files import library_dir
from .loader import Scenario
from .rootdir import project_root
from .runner import ScenarioResult
from .steps import StepResult
from .targets import InProcessTarget, RemoteTarget, TargetError
from .world import World

ICONS = {"passed": ("✓", "green"), "failed": ("✗", "bold red"), "error": ("!", "bold red")}
VERDICT = {
    "passed": "green",
    "failed": "bold red",
    "error": "bold red",
    "xfailed": "yellow",
    "xpassed": "bold red",
    "skipped": "yellow",
}


class ConsoleReport:
    """Live progress on ``console`` (stderr when stdout carries JSON)."""

    def __init__(self, console: Console, *, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose

    def scenario_started(self, scenario: Scenario, world: World | None) -> None:
        tags = f"  [dim]{', '.join(scenario.tags)}[/dim]" if scenario.tags else ""
        self.console.print(Text.assemble(("▶ ", "bold"), (scenario.name, "bold cyan")), tags if tags else "")
        if scenario.expect_failure:
            self.console.print(Text(f"  expected to fail: {scenario.expect_failure}", style="yellow"))

    def step_done(self, result: StepResult, step: dict[str, Any], world: World) -> None:
        self._line(result, depth=0)

    def _line(self, result: StepResult, depth: int) -> None:
        indent = "  " * (depth + 1)
        if result.kind == "say":
            self.console.print(Text(f"{indent}  » {result.title[len('say ') :]}", style="italic magenta"))
            return
        icon, style = ICONS.get(result.status, ("?", "yellow"))
        line = Text(f"{indent}{icon} ", style=style)
        line.append(f"{result.index:>5} ", style="dim")
        line.append(result.title)
        if result.actor != "user":
            line.append(f"  [{result.actor}]", style="cyan")
        if result.answer:
            line.append(f"  {result.answer}", style="bold" if result.status == "passed" else "bold red")
        line.append(f"  {result.ms:.0f} ms", style="dim")
        self.console.print(line, overflow="fold")
        if result.status != "passed" and result.message:
            self.console.print(Text(f"{indent}        {result.message}", style="red"), overflow="fold")
        for child in result.children:
            if child.status != "passed" or self.verbose:
                self._line(child, depth + 1)

    def scenario_done(self, result: ScenarioResult) -> None:
        style = VERDICT.get(result.status, "bold")
        message = f": {result.message}" if result.message and result.status != "failed" else ""
        self.console.print(
            Text(f"  {result.status} in {result.seconds:.2f}s{message}", style=style), overflow="fold"
        )
        self.console.print()

    def scenario_invalid(self, result: ScenarioResult) -> None:
        """A file that is no valid scenario, with every problem: the summary's row shows the first alone, and
        a QA fixing one problem a run ran the file again for each."""
        self.console.print(Text.assemble(("▶ ", "bold"), (result.name, "bold cyan")))
        for problem in result.message.splitlines():
            self.console.print(Text(f"  ✗ {problem}", style="red"), overflow="fold")
        told = (
            f"  error: not a valid scenario (`sls scenario validate {result.file}` checks it without running)"
        )
        self.console.print(Text(told, style=VERDICT["error"]), overflow="fold")
        self.console.print()


def close_target(target: InProcessTarget | RemoteTarget, console: Console) -> None:
    """Close the target after a run; a server whose clock could not be put back is a warning, not a lost
    report (every result is in already)."""
    try:
        target.close()
    except (TargetError, ConnectionError) as exc:
        console.print(Text(f"warning: {exc}", style="yellow"), overflow="fold")


def summary(console: Console, results: list[ScenarioResult]) -> None:
    grid = Table(title="scenarios", title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for column in ("scenario", "result", "steps", "time", "why"):
        grid.add_column(column, overflow="fold", no_wrap=column in ("scenario", "result"))
    for result in results:
        # a failure where its step is written (file:line), as JUnit says it: a terminal's reader jumps there
        shown = _located(result) if result.status in ("failed", "xpassed", "error") else None
        shown = shown or (result.message if not result.ok or result.status == "skipped" else result.reason)
        why = (shown or "").strip().splitlines()
        why_text = why[0] if why else ""
        why_text = why_text if len(why_text) <= 160 else why_text[:157] + "..."
        grid.add_row(
            result.name,
            Text(result.status, style=VERDICT.get(result.status, "")),
            str(_count(result.steps)),
            f"{result.seconds:.2f}s",
            Text(why_text, style="dim" if result.ok else "red"),
        )
    console.print(grid)
    tally = totals(results)
    shown = ", ".join(
        f"{n} {status}{'s' if status == 'error' and n > 1 else ''}" for status, n in tally.items() if n
    )
    verdict = _verdict(results)
    total = sum(r.seconds for r in results)
    console.print(
        Text(
            f"{verdict}: {shown} in {total:.1f}s",
            style={"FAILED": "bold red", "all passed": "bold green"}.get(verdict, "bold yellow"),
        )
    )


def _verdict(results: list[ScenarioResult]) -> str:
    """``FAILED``; ``nothing ran`` when every scenario was skipped; ``nothing passed`` when none passed but
    some failed as marked (``xfailed``); else ``all passed``. A run of skips or expected failures is green
    (as pytest's), but it passed nothing, and said "all passed" over scenarios that never ran or failed."""
    if not results or not all(r.ok for r in results):
        return "FAILED"
    if all(r.status == "skipped" for r in results):
        return "nothing ran"
    if not any(r.status == "passed" for r in results):
        return "nothing passed"
    return "all passed"


def _count(steps: list[StepResult]) -> int:
    return len([s for s in steps if s.kind != "say"])


def totals(results: list[ScenarioResult]) -> dict[str, int]:
    counted = {status: 0 for status in VERDICT}
    for result in results:
        counted[result.status] = counted.get(result.status, 0) + 1
    return counted


def as_json(results: list[ScenarioResult], *, seed: int, target: str) -> dict[str, Any]:
    return {
        "ok": bool(results) and all(r.ok for r in results),
        "seed": seed,
        "target": target,
        "totals": totals(results),
        "seconds": round(sum(r.seconds for r in results), 3),
        "scenarios": [r.as_dict() for r in results],
    }


def step_log(steps: list[StepResult], depth: int = 0) -> list[str]:
    """The steps as plain lines (JUnit's system-out, pytest's failure report)."""
    lines = []
    for step in steps:
        if step.kind == "say":
            lines.append(f"{'  ' * depth}  » {step.title[len('say ') :]}")
            continue
        mark = "ok  " if step.status == "passed" else "FAIL"
        answer = f" -> {step.answer}" if step.answer else ""
        lines.append(f"{'  ' * depth}{mark} {step.index} [{step.actor}] {step.title}{answer}")
        if step.message and step.status != "passed":
            lines.append(f"{'  ' * depth}       {step.message}")
        if step.children and step.status != "passed":  # a loop's rounds are told only where one failed
            lines.extend(step_log([c for c in step.children if c.status != "passed"], depth + 1))
    return lines


def write_junit(path: Path, results: list[ScenarioResult], *, seed: int) -> None:
    """One ``testcase`` per scenario (``classname``: its file, dotted; ``name``: the scenario's), an error's
    and a failure's message led by the file and line; an expected failure, and a scenario the target cannot
    run (settings a server lacks), are ``skipped`` with the reason, as pytest does."""
    tally = totals(results)
    suite = ET.Element(
        "testsuite",
        name="sls-scenarios",
        tests=str(len(results)),
        failures=str(tally["failed"] + tally["xpassed"]),
        errors=str(tally["error"]),
        skipped=str(tally["xfailed"] + tally["skipped"]),
        time=f"{sum(r.seconds for r in results):.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="seed", value=str(seed))
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=classname(result.file),
            name=result.name,
            file=result.file,
            time=f"{result.seconds:.3f}",
        )
        if result.line:  # the failed step's line: CI annotates it, and the message says it for a reader
            case.set("line", str(result.line))
        if result.status in ("failed", "xpassed"):
            failure = ET.SubElement(case, "failure", message=_located(result))
            failure.text = "\n".join(step_log(result.steps))
        elif result.status == "error":
            ET.SubElement(case, "error", message=_located(result)).text = result.message
        elif result.status == "xfailed":
            said = f"expected failure: {result.reason}; it failed at {_located(result)}"
            ET.SubElement(case, "skipped", type="pytest.xfail", message=said)
        elif result.status == "skipped":
            ET.SubElement(case, "skipped", type="pytest.skip", message=result.message)
        ET.SubElement(case, "system-out").text = "\n".join(step_log(result.steps))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)  # `--junit reports/junit.xml`, as pytest's --junitxml
    for element in root.iter():
        element.text = xml_safe(element.text)
        element.tail = xml_safe(element.tail)
        element.attrib = {name: xml_safe(value) or "" for name, value in element.attrib.items()}
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def classname(file: str) -> str:
    """A test case's class, as pytest's JUnit names a ``*.scenario.yaml`` item's: the file's path from the
    project's root (``rootdir.project_root``: pytest's rootdir, the folder of its configuration file),
    dotted (``tests/login.scenario.yaml``: ``tests.login.scenario.yaml``), from whatever folder the run
    started; a library scenario's in the package, ``sls_scenarios.library.NAME.scenario.yaml``; a file in
    no project, by its name.

    With the case's name, the scenario's, it is the test's identity in CI's history, the same under
    ``sls scenario run`` and pytest: it was the first tag, so reordering tags renamed the test, then the
    path from the working folder, so a run started in another folder renamed every test."""
    path = Path(file).absolute()
    if path.is_relative_to(library_dir()):
        return ".".join(("sls_scenarios", "library", *path.relative_to(library_dir()).parts))
    root = project_root(path)
    return ".".join(path.relative_to(root).parts) if root else path.name


def _located(result: ScenarioResult) -> str:
    """The message after the file and line of the step (or setup entry) that failed:
    ``probe.scenario.yaml:12: step 2 ...``; an invalid file's problems name their own."""
    if not result.line or result.message.startswith(f"{result.file}:"):
        return result.message
    return f"{result.file}:{result.line}: {result.message}"


#: What XML 1.0 cannot carry, even escaped: control characters but tab, newline and carriage return, lone
#: surrogates, U+FFFE and U+FFFF. ElementTree writes them as they are, and no parser reads the file back.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str | None) -> str | None:
    """``text`` with each character XML 1.0 forbids shown as its escape (``\\x1b``): a scenario's
    narration or an answer may hold terminal colours or a bell, and one such character made the whole
    JUnit file unreadable to CI."""
    if text is None:
        return None
    return _NOT_XML.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)

"""Load scenario files: each read with the place of every value (``positions.parse``), judged by
``schema_check.check``, and a ``Scenario`` comes out, or a ``ScenarioInvalid`` listing every problem found,
each at its line and column; and the validation report of many files, whose names must be unique.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .files import NAME, SUFFIXES
from .positions import Path_, Positions, Problem, ScenarioInvalid, parse
from .schema_check import check
from .syntax import undecodable


@dataclass
class Scenario:
    """A checked scenario file. ``data`` is the document as written; nothing is interpolated yet."""

    path: Path
    data: dict[str, Any]
    positions: Positions

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def description(self) -> str:
        return str(self.data.get("description", "")).strip()

    @property
    def tags(self) -> list[str]:
        return list(self.data.get("tags") or [])

    @property
    def expect_failure(self) -> str | None:
        return self.data.get("expect_failure")

    def summary(self) -> dict[str, Any]:
        """Name, tags, description, file (and the expected-failure mark): ``sls scenario list``'s row."""
        row: dict[str, Any] = {"name": self.name, "tags": self.tags, "description": self.description}
        row["file"] = str(self.path)
        if self.expect_failure:
            row["expect_failure"] = self.expect_failure
        return row

    def where(self, path: Path_) -> str:
        line, column = self.positions.of(path)
        return f"{self.path.name}:{line}:{column}"


def load(path: Path | str) -> Scenario:
    """Read, parse and check one file; ``ScenarioInvalid`` lists every problem, with line and column."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ScenarioInvalid([Problem(str(file), 1, 1, "", f"cannot read: {exc}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:  # at the byte's line and column, not at 1:1
        raise ScenarioInvalid([undecodable(raw, exc, str(file))]) from None
    data, positions = parse(text, str(file))
    problems = check(data, positions, str(file))
    if problems:
        named = data.get("name") if isinstance(data, dict) else None
        fits = isinstance(named, str) and re.fullmatch(NAME, named)
        raise ScenarioInvalid(problems, name=named if fits else None)
    return Scenario(file, data, positions)


def invalid_name(path: Path, problem: ScenarioInvalid) -> str:
    """What a file that is no valid scenario is called in reports: the ``name`` it gives itself, else its
    file name without the suffix (``sls scenario new NAME`` writes ``NAME.scenario.yaml``). So CI keeps one
    test (JUnit classname and name, pytest's node id) whether the file is valid today or not: named by its
    file name, a typo in a step made the scenario's test vanish from the history and a new one appear."""
    if problem.name:
        return problem.name
    for suffix in SUFFIXES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def check_files(files: list[Path]) -> list[dict[str, Any]]:
    """``sls scenario validate``'s report: per file, valid or not and its problems (as dicts); a name that
    two files share makes both invalid."""
    report: list[dict[str, Any]] = []
    loaded: list[tuple[dict[str, Any], Scenario]] = []
    for file in files:
        entry: dict[str, Any] = {"file": str(file), "valid": True, "problems": []}
        try:
            loaded.append((entry, load(file)))
        except ScenarioInvalid as exc:
            entry.update(valid=False, problems=[vars(p) for p in exc.problems])
        report.append(entry)
    for (entry, _), clashes in zip(loaded, name_clashes([s for _, s in loaded]), strict=True):
        if clashes:
            entry.update(valid=False, problems=[vars(p) for p in clashes])
    return report


def name_clashes(scenarios: list[Scenario]) -> list[list[Problem]]:
    """For each of ``scenarios``, in order, a problem if another one has its ``name`` too, naming the other
    file (none for a unique name): the name is how ``sls scenario run NAME``, reports, JUnit and pytest's
    test ids tell scenarios apart, so it must be unique. The one rule of validation (``check_files``), of
    ``sls scenario run`` (``runner.run_paths``) and of the pytest plugin."""
    by_name: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        by_name.setdefault(scenario.name, []).append(scenario)
    clashes: list[list[Problem]] = []
    for scenario in scenarios:
        same = by_name[scenario.name]
        others = ", ".join(f"{o.path}:{o.positions.of(('name',))[0]}" for o in same if o is not scenario)
        place = scenario.positions.of(("name",))
        message = f"the name {scenario.name!r} is also the name of {others}: scenario names must be unique"
        clashes.append([Problem.at(str(scenario.path), place, ("name",), message)] if len(same) > 1 else [])
    return clashes

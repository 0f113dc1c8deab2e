"""Load scenario files: each read with the place of every value (``positions.parse``), judged by
``schema.check``, and a ``Scenario`` comes out, or a ``ScenarioInvalid`` listing every problem found, each at
its line and column; and the validation report of many files, whose names must be unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .positions import Path_, Positions, Problem, ScenarioInvalid, parse
from .schema import check


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
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioInvalid([Problem(str(file), 1, 1, "", f"cannot read: {exc}")]) from None
    data, positions = parse(text, str(file))
    problems = check(data, positions, str(file))
    if problems:
        raise ScenarioInvalid(problems)
    return Scenario(file, data, positions)


def check_files(files: list[Path]) -> list[dict[str, Any]]:
    """``sls scenario validate``'s report: per file, valid or not and its problems (as dicts); a name that
    two files share makes both invalid."""
    report: list[dict[str, Any]] = []
    loaded: list[Scenario] = []
    for file in files:
        try:
            loaded.append(load(file))
            report.append({"file": str(file), "valid": True, "problems": []})
        except ScenarioInvalid as exc:
            report.append({"file": str(file), "valid": False, "problems": [vars(p) for p in exc.problems]})
    for problem in duplicate_names(loaded):
        entry = next(e for e in report if e["file"] == problem.file)
        entry["valid"] = False
        entry["problems"].append(vars(problem))
    return report


def duplicate_names(scenarios: list[Scenario]) -> list[Problem]:
    """A problem on each scenario whose ``name`` another one has too, naming the other file: the name is how
    ``sls scenario run NAME``, reports and JUnit tell scenarios apart, so it must be unique."""
    by_name: dict[str, list[Scenario]] = {}
    for scenario in scenarios:
        by_name.setdefault(scenario.name, []).append(scenario)
    problems = []
    for name, same in by_name.items():
        for scenario in same if len(same) > 1 else []:
            others = ", ".join(f"{o.path}:{o.positions.of(('name',))[0]}" for o in same if o is not scenario)
            line, column = scenario.positions.of(("name",))
            message = f"the name {name!r} is also the name of {others}: scenario names must be unique"
            problems.append(Problem(str(scenario.path), line, column, "name", message))
    return problems

"""Read scenario files: YAML with the line and column of every value, so errors point into the file.

PyYAML's node tree carries positions; we build plain Python values from it ourselves and keep a map from
each value's path (``("steps", 3, "login")``) to where it starts, and from each mapping key to where the key
is. Duplicate keys are an error (YAML would keep the last one silently). Then ``schema.check`` judges the
document, and a ``Scenario`` comes out, or a ``ScenarioInvalid`` listing every problem found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
SUFFIX = ".scenario.yaml"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where it is, and what was expected."""

    file: str
    line: int
    column: int
    where: str
    message: str

    def __str__(self) -> str:
        place = f" {self.where}:" if self.where else ""
        return f"{self.file}:{self.line}:{self.column}:{place} {self.message}"


class ScenarioInvalid(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document starts: 1-based line and column."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Unquoted scalars YAML read as something else than text, as written (``0123``, which YAML reads as 83).
    written: dict[Path_, str] = field(default_factory=dict)

    def of(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key and path in self.keys else self.values
        probe = tuple(path)
        while probe and probe not in table:
            probe = probe[:-1]
            table = self.values
        return table.get(probe, (1, 1))


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


def parse(text: str, filename: str) -> tuple[Any, Positions]:
    """The document in ``text`` and its positions; ``ScenarioInvalid`` for YAML that does not parse."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        positions = Positions()
        data = _Builder(loader, positions, filename).build(node, (), (1, 1)) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        said = f"not valid YAML: {exc.problem}"
        lines, at = text.splitlines(), max(mark.column - 1, 0) if mark else 0
        where = lines[mark.line] if mark and mark.line < len(lines) else ""
        if where[at:].startswith("${"):
            said += _quote_hint(where, at)
        raise ScenarioInvalid([Problem(filename, line, column, "", said)]) from None
    finally:
        loader.dispose()
    return data, positions


def _quote_hint(line: str, at: int) -> str:
    """Inside ``{ }`` or ``[ ]`` the brace of an unquoted ``${name}`` is YAML's, and PyYAML's words
    (``expected ',' or '}', but got '{'``) never say to quote it: show the value at ``at`` quoted."""
    start = at
    while start > 0 and line[start - 1] not in " ,{[":
        start -= 1
    return f'; a ${{variable}} inside {{ }} or [ ] needs quotes: "{line[start : line.find("}", at) + 1]}"'


# Values a document may hold once its aliases are expanded: far above any scenario, far below what a
# "billion laughs" of nested aliases would make of a few lines.
MAX_VALUES = 100_000


class _Builder:
    """Builds the document from PyYAML's node graph, noting where each value and key is written. An alias is
    the very node of its anchor: one inside the node it names (``steps: &a [..., {steps: *a}]``) would
    recurse until Python's RecursionError, and nested aliases can multiply a few lines into millions of
    values; both are problems of the file, told at a line."""

    def __init__(self, loader: yaml.SafeLoader, positions: Positions, filename: str) -> None:
        self.loader, self.positions, self.filename = loader, positions, filename
        self.open: set[int] = set()  # the nodes being built: this node's ancestors
        self.values = 0

    def problem(self, at: tuple[int, int], path: Path_, said: str) -> ScenarioInvalid:
        return ScenarioInvalid([Problem(self.filename, at[0], at[1], _dotted(path), said)])

    def build(self, node: yaml.Node, path: Path_, at: tuple[int, int]) -> Any:
        """``at``: where the value is written (an alias's own place is not kept by PyYAML: its key's)."""
        if id(node) in self.open:
            raise self.problem(at, path, "an alias here refers to a node that contains it (a loop)")
        self.values += 1
        if self.values > MAX_VALUES:
            raise self.problem(at, path, f"aliases expand to more than {MAX_VALUES} values")
        self.open.add(id(node))
        try:
            return self._build(node, path)
        finally:
            self.open.discard(id(node))

    def _build(self, node: yaml.Node, path: Path_) -> Any:
        positions, filename = self.positions, self.filename
        here = (node.start_mark.line + 1, node.start_mark.column + 1)
        positions.values[path] = here
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ScenarioInvalid([Problem(filename, line, column, "", "a key must be a plain word")])
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    raise ScenarioInvalid([Problem(filename, line, column, "", "a key must be a plain word")])
                key = str(key)
                if key in result:
                    where = _dotted(path)
                    raise ScenarioInvalid([Problem(filename, line, column, where, f"duplicate key {key!r}")])
                positions.keys[(*path, key)] = (line, column)
                result[key] = self.build(value_node, (*path, key), (line, column))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), here) for i, item in enumerate(node.value)]
        value = self.loader.construct_object(node, deep=True)
        if not isinstance(value, str) and isinstance(node, yaml.ScalarNode):
            positions.written[path] = node.value
        return value


def _dotted(path: Path_) -> str:
    """Where ``path`` is, for people, counted as the reports count: a step is ``step 5`` (not ``steps[4]``)
    and an item of any list is numbered from 1 (``step 5 expect.events.happened[1].type``)."""
    parts = list(path)
    head = ""
    if len(parts) >= 2 and parts[0] == "steps" and isinstance(parts[1], int):
        head, parts = f"step {parts[1] + 1}", parts[2:]
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"{head} {text}".strip()


def load(path: Path | str) -> Scenario:
    """Read, parse and check one file; ``ScenarioInvalid`` lists every problem, with line and column."""
    from .schema import check  # the schema module imports this one for Problem

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


def new_file(name: str, folder: Path, *, force: bool = False) -> Path:
    """Write the commented template as ``folder/name.scenario.yaml``; ``ValueError``/``FileExistsError``."""
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", name):
        raise ValueError("NAME is lower-case letters, digits and dashes (kebab-case), 2-64 long")
    target = folder / f"{name}{SUFFIX}"
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists (--force overwrites it)")
    template = (resources.files("sls_scenarios") / "template.scenario.yaml").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(template.replace("__NAME__", name), encoding="utf-8")
    return target


def library_dir() -> Path:
    """The scenarios shipped in the package (``sls_scenarios/library``)."""
    return Path(str(resources.files("sls_scenarios") / "library"))


def library_files() -> list[Path]:
    return sorted(library_dir().glob(f"*{SUFFIX}"))


def nothing_found(targets: list[str]) -> str:
    """Why ``targets`` named no scenario, and which YAML files there were passed over for their name."""
    folders = [Path(t) for t in targets if Path(t).is_dir()]
    passed_over = sorted(
        str(file)
        for folder in folders
        for pattern in ("*.yml", "*.yaml")
        for file in folder.rglob(pattern)
        if not file.name.endswith(SUFFIX)
    )
    where = ", ".join(targets) or "nothing named"
    message = f"no scenario found in {where}: only files named *{SUFFIX} are collected"
    if passed_over:
        shown = ", ".join(passed_over[:5]) + (
            f" and {len(passed_over) - 5} more" if len(passed_over) > 5 else ""
        )
        message += f"; passed over {shown} (name a scenario NAME{SUFFIX})"
    return message


def resolve(targets: list[str], *, everything: bool = False) -> list[Path]:
    """Files for ``targets``: paths (a folder means its ``*.scenario.yaml``), else library names.

    A name matches a library file's stem or its ``name``; an unknown one raises ``LookupError`` with the
    closest names, so a typo is told, not silently skipped.
    """
    files: list[Path] = list(library_files()) if everything else []
    names = {p.name[: -len(SUFFIX)]: p for p in library_files()}
    for target in targets:
        candidate = Path(target)
        if candidate.is_dir():
            files.extend(sorted(candidate.rglob(f"*{SUFFIX}")))
        elif candidate.is_file():
            files.append(candidate)
        elif target in names:
            files.append(names[target])
        else:
            import difflib

            close = difflib.get_close_matches(target, list(names), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; `sls scenario list` shows them"
            raise LookupError(f"no file and no library scenario named {target!r}{hint}")
    unique: list[Path] = []
    for file in files:
        if file.resolve() not in {u.resolve() for u in unique}:
            unique.append(file)
    return unique

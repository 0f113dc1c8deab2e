"""Read a scenario file's YAML with the line and column of every value, and tell a problem at its place.

PyYAML's node tree carries positions; we build plain Python values from it ourselves and keep a map from
each value's path (``("steps", 3, "login")``) to where it starts, and from each mapping key to where the key
is. Duplicate keys are an error (YAML would keep the last one silently). The loader, the schema's check and
the cross-checks (``checks``) all tell their problems at these places, so the places and the problem live
here, beneath all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
#: Tells a problem at a path of the document (a check's way to say what it found, and where).
Report = Callable[[tuple[Any, ...], str], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, where it is, and what was expected."""

    file: str
    line: int
    column: int
    #: Where, for people (:func:`dotted`): ``step 5 expect.events.happened[0].type``.
    where: str
    message: str
    #: Where, for programs: the JSON pointer of the value (:func:`pointer`), ``""`` for the whole file.
    path: str = ""

    @classmethod
    def at(cls, file: str, place: tuple[int, int], path: Path_, message: str) -> Problem:
        """The problem of the value at ``path``, written at ``place`` (line, column), named both ways."""
        return cls(file, place[0], place[1], dotted(path), message, pointer(path))

    def __str__(self) -> str:
        place = f" {self.where}:" if self.where else ""
        return f"{self.file}:{self.line}:{self.column}:{place} {self.message}"


class ScenarioInvalid(Exception):
    def __init__(self, problems: list[Problem], *, name: str | None = None) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        #: The ``name`` the file gives itself, when it reads as one (``loader.invalid_name``).
        self.name = name


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document starts: 1-based line and column."""

    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Unquoted scalars YAML read as something else than text, as written (``0123``, which YAML reads as 83).
    written: dict[Path_, str] = field(default_factory=dict)
    #: Unquoted keys YAML read as something else than text, as written (``+15550100001``, read as a number).
    written_keys: dict[Path_, str] = field(default_factory=dict)

    def of(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key and path in self.keys else self.values
        probe = tuple(path)
        while probe and probe not in table:
            probe = probe[:-1]
            table = self.values
        return table.get(probe, (1, 1))


def parse(text: str, filename: str) -> tuple[Any, Positions]:
    """The document in ``text`` and its positions; ``ScenarioInvalid`` for YAML that does not parse, told
    at the line to fix (``syntax``)."""
    from .syntax import Loader, not_yaml, unacceptable

    try:
        loader = Loader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, found before any parsing
        raise ScenarioInvalid([unacceptable(text, exc, filename)]) from None
    try:
        node = loader.get_single_node()
        positions = Positions()
        data = _Builder(loader, positions, filename).build(node, (), (1, 1)) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise ScenarioInvalid([not_yaml(text, exc, loader, filename)]) from None
    finally:
        loader.dispose()
    return data, positions


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
        return ScenarioInvalid([Problem.at(self.filename, at, path, said)])

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
                if not isinstance(key, str):
                    positions.written_keys[(*path, str(key))] = key_node.value
                key = str(key)
                if key in result:
                    raise ScenarioInvalid(
                        [Problem.at(filename, (line, column), path, f"duplicate key {key!r}")]
                    )
                positions.keys[(*path, key)] = (line, column)
                result[key] = self.build(value_node, (*path, key), (line, column))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), here) for i, item in enumerate(node.value)]
        value = self.loader.construct_object(node, deep=True)
        if not isinstance(value, str) and isinstance(node, yaml.ScalarNode):
            positions.written[path] = node.value
        return value


def dotted(path: Path_) -> str:
    """Where ``path`` is, for people: a step in words, counted from 1 as the reports number steps
    (``step 5``, not ``steps[4]``), and an item of any other list by its index in brackets, from 0 as the
    API's ``index``, pydantic, a JSON pointer and the format's own ``json`` paths (``factors.0.type``)
    count: ``step 5 expect.events.happened[0].type``, ``setup.users[1].ip_allowlist[0]``."""
    parts = list(path)
    head = ""
    if len(parts) >= 2 and parts[0] == "steps" and isinstance(parts[1], int):
        head, parts = f"step {parts[1] + 1}", parts[2:]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"{head} {text}".strip()


def pointer(path: Path_) -> str:
    """``path`` as a JSON pointer (RFC 6901), every list index from 0: ``/steps/4/login``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)

"""What only a run would find wrong with a step's ``expect``: an event type or factor the server never
writes, an error code it never answers with, a ``statuses`` on a step that answers once, one answer checked
on a ``parallel``, a ``regex`` that does not compile, a ``between`` that can never hold.

An expectation that cannot fail is worse than a failing one (a misspelt event type under ``not_happened``
passes whatever the server did), so the cross-checks (``checks``) judge each ``expect`` with these.
"""

from __future__ import annotations

import re
from typing import Any

from sls_server.event_types import EVENT_TYPES

from .error_codes import ERROR_CODES
from .positions import Report
from .schema import factor_types
from .spelling import suggest
from .value_checks import NOTHING
from .values import references

#: Words written for "no error" that YAML keeps as text (only ``null`` or ``~`` is nothing).
_NO_ERROR = (*NOTHING, "no_error", "no error")


def event_types(expectation: Any, path: tuple[Any, ...], report: Report) -> None:
    events = expectation.get("events") if isinstance(expectation, dict) else None
    for which in ("happened", "not_happened"):
        listed = events.get(which) if isinstance(events, dict) else None
        for i, wanted in enumerate(listed if isinstance(listed, list) else []):
            kind = wanted.get("type") if isinstance(wanted, dict) else None
            if isinstance(kind, str) and "${" not in kind and kind not in EVENT_TYPES:
                hint = suggest(kind, EVENT_TYPES, otherwise="; `sls scenario reference` lists them")
                report((*path, "events", which, i, "type"), f"the server writes no event {kind!r}{hint}")
            factor = wanted.get("factor") if isinstance(wanted, dict) else None
            factors = factor_types()
            if isinstance(factor, str) and "${" not in factor and factor not in factors:
                hint = (
                    suggest(factor.lower(), factors) + "; factors are " + ", ".join(f"`{f}`" for f in factors)
                )
                report((*path, "events", which, i, "factor"), f"the server writes no factor {factor!r}{hint}")


def expectation(kind: str, expect: Any, path: tuple[Any, ...], report: Report) -> None:
    """What only a run would find wrong with an ``expect``: ``statuses`` counts a ``repeat``'s or a
    ``parallel``'s answers, and on any other step counted none, so it passed whatever the server said; a
    ``regex`` that does not compile failed at run time as the runner's own bug."""
    if not isinstance(expect, dict):
        return
    if "statuses" in expect and kind not in ("repeat", "parallel"):
        report((*path, "statuses"), f"`statuses` counts the answers of a repeat or parallel, not of a {kind}")
    for key in ("status", "error", "json", "headers"):
        if kind == "parallel" and key in expect:  # its branches answer at once: none is "the" answer
            report(
                (*path, key),
                "a parallel has no one answer to check: count its branches' answers with `statuses` "
                "(`statuses: {'200': N}`), or check an answer in a branch's own step",
            )
    for where, code in _codes(expect.get("error"), (*path, "error")):
        if isinstance(code, str) and "${" not in code and code not in ERROR_CODES:
            if code.strip().lower() in _NO_ERROR:  # YAML reads `none` as text: no error is `null`
                hint = " (no error at all: `error: null`)"
            else:
                hint = suggest(code, ERROR_CODES, otherwise="; `sls scenario reference` lists them")
            report(where, f"the server answers with no error {code!r}{hint}")
    for where, pattern in _regexes(expect, path):
        if isinstance(pattern, str) and not references(pattern):
            try:
                re.compile(pattern)
            except re.error as exc:
                report(where, f"{pattern!r} is not a regular expression: {exc}")
    for where, ends in _regexes(expect, path, "between"):  # [60, 1] fails whatever the server says
        numbers = isinstance(ends, list) and all(isinstance(e, int | float) for e in ends)
        if numbers and len(ends) == 2 and ends[0] > ends[1]:
            report(where, f"{ends!r} can never hold: write the low end first")


def _codes(value: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any]]:
    """The codes an ``expect.error`` names, with where each is: itself, or a matcher's ``eq``/``ne`` and
    each of its ``in``/``not_in`` (a ``regex`` names none)."""
    if not isinstance(value, dict):
        return [(path, value)]
    found = [((*path, op), value[op]) for op in ("eq", "ne") if op in value]
    for op in ("in", "not_in"):
        listed = value.get(op)
        found += [((*path, op, i), item) for i, item in enumerate(listed if isinstance(listed, list) else [])]
    return found


def _regexes(value: Any, path: tuple[Any, ...], op: str = "regex") -> list[tuple[tuple[Any, ...], Any]]:
    """Every ``{regex: pattern}`` matcher (or another ``op``) inside an expectation, with where it is."""
    found: list[tuple[tuple[Any, ...], Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == op:
                found.append(((*path, key), item))
            else:
                found += _regexes(item, (*path, key), op)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _regexes(item, (*path, index), op)
    return found

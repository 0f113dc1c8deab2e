"""A literal of a scenario's ``expect`` that fails only by its type: the answer's number ``2`` against the
text ``"2"`` (or a boolean against ``"true"``). Compared exactly, as the contract's types are part of what is
checked (``values.match``); the message says which side is text and how to write the literal, where the quotes
in ``is 2, expected '2'`` were all that told them apart.
"""

from __future__ import annotations

from typing import Any


def typed(actual: Any, expected: Any) -> str:
    """Why an answer written as the expected literal is not it (``2`` is not ``"2"``, which only the quotes
    told apart): which is text, and how to write the literal."""
    text, other = (actual, expected) if isinstance(actual, str) else (expected, actual)
    if not isinstance(text, str) or not isinstance(other, bool | int | float):
        return ""
    written = str(other).lower() if isinstance(other, bool) else str(other)
    kind = "a boolean" if isinstance(other, bool) else "a number"
    if written != text:
        return ""
    if text is expected:
        return f": the answer's {actual!r} is {kind}, not text: write it unquoted, {written}"
    return f": the answer's {actual!r} is text, not {kind}: quote it, {actual!r}"

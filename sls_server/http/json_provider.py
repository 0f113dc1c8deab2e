"""The app's JSON provider: Flask's, answers written by pydantic-core, a nesting limit checked before the
decoder recurses; strict JSON.

Python's ``json`` decoder recurses once per ``[`` or ``{``; a 20 KB body of ``[`` exhausts the interpreter's
recursion limit and the ``RecursionError`` (not a ``ValueError``) escaped ``request.get_json(silent=True)``
as a 500. No body of this API nests more than a few levels, so anything past :data:`MAX_JSON_DEPTH` is
refused before decoding, and a ``RecursionError`` that still happens is turned into the ``ValueError`` of
bad JSON. Installed as ``app.json``, it covers any direct ``request.get_json()`` (Flask answers bad JSON with
a 400); the declared bodies (``validation.body``) run :func:`nesting_exceeds` themselves before pydantic's
decoder, so their 400 can name ``body`` and say why.

Strict JSON (RFC 8259), as the declared bodies have it too: ``NaN``, ``Infinity`` and ``-Infinity`` are no
JSON values, and an object giving one key twice is refused, not read as its last value: a body crafted so
that a proxy or WAF reads ``{"username": "nobody", "username": "carl"}`` as nobody while the server logs in
carl must not exist. :func:`first_duplicate_key` finds where such a key is, for the 400 to name it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from flask.json.provider import DefaultJSONProvider
from pydantic_core import PydanticSerializationError, to_json

#: Deeper than any request body of the API (an allowlist is a list in an object: 2) with room to spare.
MAX_JSON_DEPTH = 32

_TOKENS_TEXT = re.compile(r'[\[\]{}]|"(?:[^"\\]|\\.)*"', re.DOTALL)
_TOKENS_BYTES = re.compile(rb'[\[\]{}]|"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPENERS = ("[", "{", b"[", b"{")


class JsonTooDeep(ValueError):
    """The document nests deeper than :data:`MAX_JSON_DEPTH`."""


def nesting_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``text`` opens more than ``limit`` arrays/objects inside each other.

    Strings are skipped whole, so brackets inside them do not count. Malformed input is not judged here:
    the decoder refuses it afterwards. Linear in the length; stops at the first level past the limit. A
    document with no more openers than the limit (every real body: a login has one) cannot nest deeper, so
    it is let through after counting them, which costs a fraction of the scan.
    """
    tokens: Iterator[str | bytes]  # lazy: nothing is scanned unless the count below says it may nest
    if isinstance(text, bytes):
        openers = text.count(b"[") + text.count(b"{")
        tokens = (match.group() for match in _TOKENS_BYTES.finditer(text))
    else:
        openers = text.count("[") + text.count("{")
        tokens = (match.group() for match in _TOKENS_TEXT.finditer(text))
    if openers <= limit:
        return False
    depth = 0
    for token in tokens:
        if token in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        elif len(token) == 1:  # a closer (strings are at least two characters: their quotes)
            depth = max(depth - 1, 0)
    return False


class KeyGivenTwice(ValueError):
    """An object gives one key twice (a ``ValueError``: to Flask, bad JSON)."""


class _Members(list[tuple[str, Any]]):
    """A JSON object as its members in the order written, a key given twice kept twice."""


def _one_value_per_key(members: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(members)
    if len(obj) != len(members):
        raise KeyGivenTwice("an object gives a key twice")
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _decoder(objects: Callable[[list[tuple[str, Any]]], Any]) -> json.JSONDecoder:
    """Numbers kept as their text: no value is needed, and no number is too long to read. Built once:
    ``json.loads`` with options builds a decoder per call, which costs more than reading a small body."""
    return json.JSONDecoder(object_pairs_hook=objects, parse_int=str, parse_float=str, parse_constant=str)


_COMPACT = {"separators": (",", ":")}
_CHECKING = _decoder(_one_value_per_key)
_LISTING = _decoder(_Members)


def first_duplicate_key(text: str | bytes) -> tuple[str | int, ...] | None:
    """Where the first key given twice in one object is (``("users", 1, "record", "phone")``), or None.

    A second, slower reading of a document already known to be JSON: first with each object checked as it
    is built (one pass in the native decoder), and only if one gives a key twice, again with every object
    kept as its member list, to say where. A ``ValueError`` if it is no UTF-8 JSON after all.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        _CHECKING.decode(text)
    except KeyGivenTwice:
        return _duplicate_in(_LISTING.decode(text), ())
    return None


def _duplicate_in(node: Any, at: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    children: list[tuple[str | int, Any]]
    if isinstance(node, _Members):  # before list: it is one
        seen: set[str] = set()
        for name, _ in node:
            if name in seen:
                return (*at, name)
            seen.add(name)
        children = list(node)
    elif isinstance(node, list):
        children = list(enumerate(node))
    else:
        return None
    for step, value in children:
        found = _duplicate_in(value, (*at, step))
        if found is not None:
            return found
    return None


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's provider with answers in the order the code builds them and a bounded, strict decoder."""

    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Compact answers are written by pydantic-core, in a sixth of the standard library's time (about
        60 µs of a flow's CPU saved); indented ones (debug mode) and a caller's own options by Flask's.

        What an answer holds is read back the same either way. Two things are written differently: text
        outside ASCII as UTF-8 rather than as ``\\u`` escapes (the body is UTF-8 JSON either way), and a
        NaN or infinity as ``null`` rather than as the bare ``NaN`` no JSON reader need accept. A value
        neither knows is a ``TypeError``, as it was. Dates and times would be written in ISO 8601 rather than
        as HTTP dates; no answer holds one (instants are integers, seconds since the epoch)."""
        if kwargs and kwargs != _COMPACT:
            return super().dumps(obj, **kwargs)
        try:
            return to_json(obj, fallback=self.default, inf_nan_mode="null").decode()
        except PydanticSerializationError as exc:
            raise TypeError(str(exc)) from None

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if nesting_exceeds(s):
            raise JsonTooDeep(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
        kwargs.setdefault("object_pairs_hook", _one_value_per_key)
        kwargs.setdefault("parse_constant", _no_constant)
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # a limit set lower than ours, a deep stack: still bad input, not a crash
            raise JsonTooDeep("the JSON nests too deeply to decode") from None

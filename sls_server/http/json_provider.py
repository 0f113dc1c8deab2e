"""The app's JSON provider: Flask's, plus a nesting limit checked before the decoder recurses.

Python's ``json`` decoder recurses once per ``[`` or ``{``; a 20 KB body of ``[`` exhausts the interpreter's
recursion limit and the ``RecursionError`` (not a ``ValueError``) escaped ``request.get_json(silent=True)``
as a 500. No body of this API nests more than a few levels, so anything past :data:`MAX_JSON_DEPTH` is
refused before decoding, and a ``RecursionError`` that still happens is turned into the ``ValueError`` of
bad JSON. Installed as ``app.json``, it covers any direct ``request.get_json()`` (Flask answers bad JSON with
a 400); the declared bodies (``validation.body``) run :func:`nesting_exceeds` themselves before pydantic's
decoder, so their 400 can name ``body`` and say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask.json.provider import DefaultJSONProvider

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


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's provider with answers in the order the code builds them and a bounded decoder."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if nesting_exceeds(s):
            raise JsonTooDeep(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # a limit set lower than ours, a deep stack: still bad input, not a crash
            raise JsonTooDeep("the JSON nests too deeply to decode") from None

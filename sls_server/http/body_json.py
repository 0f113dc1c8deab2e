"""What a declared body's shape cannot say of its bytes, checked before (and once after) pydantic reads
them: it is strict JSON, which pydantic's reader is not (:func:`strict_json`: no ``NaN`` or ``Infinity``, no
key given twice in one object, and why a body is no JSON when its encoding is the cause), a number whose
fraction is zero is the integer a JSON Schema client means (:func:`whole_numbers`), and an empty object is
no body (``validation.no_body``).
"""

from __future__ import annotations

import codecs
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json, to_json

from ..errors import InvalidRequest
from .json_provider import first_duplicate_key
from .refusal_words import json_path


def empty_object(raw: bytes) -> bool:
    try:
        return bool(from_json(raw) == {})
    except ValueError:
        return False


def whole_numbers(raw: bytes, exc: ValidationError) -> bytes | None:
    """The body again with each number refused as no integer but whose fraction is zero (``0.0``, ``6e1``)
    written as the integer it is; ``None`` if no refusal was of that kind.

    JSON has one number type, and the document's ``integer`` is JSON Schema's: any number whose fraction is
    zero, so a client validating against it sends ``{"advance_s": 0.0}`` (Python's ``json.dumps`` of a
    computed delta) in good faith. The shapes are strict (``"900"`` is no integer, ``1`` no boolean), and
    pydantic's strict integer refuses every float: such a body is read a second time, only after a
    refusal, so a body of integers costs nothing more."""
    places = [
        error["loc"]
        for error in exc.errors(include_url=False)
        if error["type"] == "int_type"
        and isinstance(error.get("input"), float)
        and error["input"].is_integer()
    ]
    if not places:
        return None
    document = from_json(raw)
    changed = False
    for loc in places:
        parent: Any = document
        try:
            for part in loc[:-1]:
                parent = parent[part]
            value = parent[loc[-1]]
        except (KeyError, IndexError, TypeError):  # a place inside a union's choice: not the body's own path
            continue
        if isinstance(value, float) and value.is_integer():
            parent[loc[-1]] = int(value)
            changed = True
    return to_json(document) if changed else None


def strict_json(raw: bytes) -> None:
    """A 400 for a body that is not strict JSON: ``NaN``/``Infinity`` (``field: body``), or a key given twice
    in one object (``field``: where, as :func:`json_path` writes it).

    Cheap on every real body: one parse by pydantic's own reader (fast, native) with ``NaN`` refused, and a
    count. Each key of an object is followed by one ``:``, so a body with no more colons than its top-level
    object has distinct keys has no key given twice, and nothing nested either. Only a body that fails that
    count (nested objects, a colon inside a string) is read again, slowly, to look for the duplicate.
    """
    try:
        document = from_json(raw, allow_inf_nan=False)
    except ValueError as exc:
        raise InvalidRequest(not_json(raw, exc), field="body") from None
    if not isinstance(document, dict) or raw.count(b":") == len(document):
        return  # not an object: the shape refuses it anyway
    try:
        duplicate = first_duplicate_key(raw)
    except ValueError:  # Python's reader is the laxer of the two: a body it refuses is no JSON either
        raise InvalidRequest("the body is not valid JSON", field="body") from None
    if duplicate is not None:
        where = json_path(duplicate)
        raise InvalidRequest(f"{where} is given more than once; each key may appear once", field=where)


def not_json(raw: bytes, exc: ValueError | None = None) -> str:
    """Why a body is no JSON, where the cause is its encoding rather than its syntax: JSON sent over a
    network is UTF-8 without a byte order mark (RFC 8259, 8.1), which some clients (PowerShell's, an editor
    saving "UTF-8 with BOM") break; "not valid JSON" alone sent their authors hunting for a syntax error in a
    body that looks right. A syntax error says the parser's reason and place (``trailing comma at line 1
    column 39``: words and numbers of the parser's, nothing of the body), ``NaN`` and ``Infinity`` that they
    are no JSON numbers (the parser's own words for them, "expected value", point nowhere useful)."""
    if raw.startswith(codecs.BOM_UTF8):
        return "the body is not valid JSON: it starts with a byte order mark; send UTF-8 without one"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not valid JSON: it is not UTF-8 (JSON is UTF-8, whatever charset is declared)"
    if exc is None:
        return "the body is not valid JSON"
    try:
        from_json(raw, allow_inf_nan=True)
    except ValueError:
        return f"the body is not valid JSON: {exc}"
    return "the body is not valid JSON: NaN and Infinity are no JSON numbers"

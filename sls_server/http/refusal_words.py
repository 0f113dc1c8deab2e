"""pydantic's refusal of a body or a query worded as the contract's 400 ``invalid_request`` naming the
field (:func:`refused`): the first error as ``field`` and ``message`` (every field's in ``problems`` when
several are at fault), the field as its path written the way JSON reads (``unlock.pin``,
``users[1].record.phone``: :func:`json_path`); an error about a list's item itself names the list
(``users[1].devices``) and adds the item's ``index`` in it (and the item as ``entry`` when it is a scalar),
as the allowlists always have, so ``index`` is always a position in the list ``field`` names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import MAX_PROBLEMS, InvalidRequest
from ..shapes.common import refusal

#: Errors worded by type; ``{subject}`` is the field, the rest comes from pydantic's context.
_WORDING = {
    "missing": "{subject} is required",
    "string_type": "{subject} must be a string",
    "int_type": "{subject} must be an integer",
    "int_parsing": "{subject} must be an integer",
    "int_from_float": "{subject} must be an integer",
    "bool_type": "{subject} must be true or false",
    "bool_parsing": "{subject} must be true or false",
    "list_type": "{subject} must be a list",
    "dict_type": "{subject} must be an object",
    "model_type": "{subject} must be an object",
    "string_too_short": "{subject} must be at least {min_length} characters",
    "string_too_long": "{subject} must be at most {max_length} characters",
    "too_short": "{subject} must hold at least {min_length} entries",
    "too_long": "{subject} may hold at most {max_length} entries",
    "greater_than_equal": "{subject} must be at least {ge}",
    "less_than_equal": "{subject} must be at most {le}",
    "literal_error": "{subject} must be one of {expected}",
    "string_pattern_mismatch": "{subject} does not have the expected form ({pattern})",
}
#: Errors about the value's type, where a field's :class:`~sls_server.shapes.common.Refusal` (which speaks
#: about a well-typed value breaking a constraint) does not apply.
_TYPE_ERRORS = frozenset(
    {
        "missing",
        "string_type",
        "int_type",
        "int_parsing",
        "int_from_float",
        "bool_type",
        "bool_parsing",
        "list_type",
        "dict_type",
        "model_type",
        "extra_forbidden",
    }
)
MAX_ECHO_CHARS = 100


def refused(model: type[BaseModel], exc: ValidationError, *, where: str) -> InvalidRequest:
    """pydantic's errors as the contract's 400: the first as its ``field`` and ``message``, and, when more
    than one field is at fault, each field's first refusal in ``problems``, so a form marks every field it
    must fix in one round instead of one per submit."""
    errors = exc.errors(include_url=False)
    loc = errors[0]["loc"]
    if not any(isinstance(part, str) for part in loc):  # about the whole document: not JSON, not an object
        if errors[0]["type"] == "json_invalid":
            return InvalidRequest("the body is not valid JSON", field="body")
        return InvalidRequest(f"the {where} must be a JSON object", field="body")
    problems: dict[str, dict[str, Any]] = {}  # by place, in pydantic's order
    for error in errors:
        if any(isinstance(part, str) for part in error["loc"]):
            problem = _problem(model, error)
            place = f"{problem['field']}[{problem.get('index', '')}]"
            problems.setdefault(place, problem)  # a union's members each refuse the same place
    first, *rest = problems.values()
    if rest:
        listed = [{**problem, "code": InvalidRequest.code} for problem in problems.values()]
        first = {**first, "problems": listed[:MAX_PROBLEMS]}
    return InvalidRequest(**first)


def _problem(model: type[BaseModel], error: ErrorDetails) -> dict[str, Any]:
    """One refusal: ``field`` (the list, for an item of one, with its ``index`` and a scalar ``entry``)
    and ``message``."""
    loc = error["loc"]
    subject = json_path(loc)
    problem: dict[str, Any] = {"message": _message(model, error, subject), "field": subject}
    if isinstance(loc[-1], int):  # a list's item itself: the list, and where in it
        problem["field"] = json_path(loc[:-1])
        problem["index"] = loc[-1]
        echoed = _echo(error.get("input"))
        if echoed is not _NOTHING:
            problem["entry"] = echoed
    return problem


def json_path(loc: Sequence[int | str]) -> str:
    """A place in a body as a reader of its JSON writes it: ``users[1].record.phone`` (names dotted, list
    positions in brackets, each where it occurs)."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def _message(model: type[BaseModel], error: ErrorDetails, subject: str) -> str:
    kind, context = error["type"], dict(error.get("ctx") or {})
    if kind == "extra_forbidden":
        if "." in subject or "[" in subject:  # inside a nested object: its own fields are not ours to list
            return f"unknown field {subject!r}"
        return f"unknown field {subject!r}; this body takes {', '.join(model.model_fields)}"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return f"{subject} must not be empty"
    if kind in ("too_short", "too_long") and isinstance(error.get("input"), str):
        kind = "string_" + kind  # a length checked after a validator: pydantic says items, not characters
    if kind not in _TYPE_ERRORS:
        declared = refusal(model, str(error["loc"][0]))
        if declared:
            return f"{subject} {declared}"
    if kind == "refused":  # a shape's own check (``PydanticCustomError("refused", ...)``): says the rest
        return f"{subject} {error['msg']}"
    wording = _WORDING.get(kind)
    if wording is None:
        return f"{subject}: {error['msg']}"
    try:
        return wording.format(subject=subject, **context)
    except KeyError:  # a context this wording does not expect: pydantic's own sentence
        return f"{subject}: {error['msg']}"


_NOTHING = object()


def _echo(value: Any) -> Any:
    """A bad list item worth echoing: a scalar (text cut short), never a whole structure."""
    if isinstance(value, str):
        return value[:MAX_ECHO_CHARS]
    if value is None or isinstance(value, int | float | bool):
        return value
    return _NOTHING

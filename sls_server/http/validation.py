"""Request bodies and query strings validated into their shapes, and pydantic's refusal worded as the
contract's 400 ``invalid_request`` naming the field.

The body is validated straight from its raw bytes (``model_validate_json``: one pass, no dict built first).
Before that, what the shape cannot say: there is a body, it is declared JSON, it does not nest deeper
than :data:`~.json_provider.MAX_JSON_DEPTH` (checked ahead of the decoder, so the 400 can say why), and it
is strict JSON, which pydantic's reader is not (:func:`strict_json`): no ``NaN`` or ``Infinity``, no key
given twice in one object (pydantic would keep the last; a proxy may read the first). The
first error is reported, as the hand-written checks did (and every field's in ``problems`` when several
are at fault), with the field as its path written the way JSON
reads (``unlock.pin``, ``users[1].record.phone``); an error about a list's item itself names the list
(``users[1].devices``) and adds the item's ``index`` in it (and the item as ``entry`` when it is a scalar),
as the allowlists always have, so ``index`` is always a position in the list ``field`` names. What the
route's core call judges after the shape (its ``rules``) is judged beside a refusal, so ``problems`` lists
every field at fault (:func:`with_rules`).
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, from_json, to_json

from .. import errors
from ..errors import MAX_PROBLEMS, InvalidRequest, SlsError
from ..shapes.common import refusal
from .common import this_request
from .json_provider import MAX_JSON_DEPTH, first_duplicate_key, nesting_exceeds

Model = TypeVar("Model", bound=BaseModel)
#: What a body's route judges after its shape (``accounts.rules``): the refusals of the body's fields, as
#: parsed from the JSON (so of any type: one the shape refuses is judged as absent).
Rules = Callable[[Mapping[str, Any]], list[SlsError]]

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


def body(model: type[Model], rules: Rules | None = None) -> Model:
    """The request's JSON body as ``model``, or a 400 ``invalid_request`` naming the field (``body`` for a
    missing, undeclared, malformed or too deeply nested body, or one that is not an object). When the shape
    refuses it, ``rules`` (what the route's core call judges after the shape) are judged beside it, and the
    400 lists what they find too (:func:`with_rules`)."""
    current = this_request()  # bound once: see its docstring
    raw = current.get_data(cache=True)
    if not raw:
        raise InvalidRequest("a JSON object body is required", field="body")
    if not current.is_json:
        raise InvalidRequest("the body must be JSON, sent with Content-Type: application/json", field="body")
    if nesting_exceeds(raw):
        raise InvalidRequest(f"the body nests deeper than {MAX_JSON_DEPTH} levels", field="body")
    strict_json(raw)
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        error = exc
    whole = whole_numbers(raw, error)
    if whole is not None:
        try:
            return model.model_validate_json(whole)
        except ValidationError as exc:
            error = exc
    raise with_rules(refused(model, error, where="body"), model, from_json(raw), rules) from None


def no_body() -> None:
    """A 400 naming ``body`` when a route that takes none is sent one.

    ``POST /admin/v1/reset {"keep_users": true}`` wiped everything, and the caller believed its option was
    honoured: a body nothing reads is refused, not ignored. No body, or an empty JSON object (``{}``, which
    some clients send with every POST), says nothing and passes."""
    current = this_request()
    if current.content_length == 0:  # declared empty (and not chunked), as the body's stream reads it
        return  # nothing to read: werkzeug's read of an empty body costs some 20 µs
    raw = current.get_data(cache=True)
    if not raw.strip() or (raw.lstrip().startswith(b"{") and _empty_object(raw)):
        return
    raise InvalidRequest("this route takes no body; send the request without one", field="body")


def _empty_object(raw: bytes) -> bool:
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
    except ValueError:
        raise InvalidRequest(not_json(raw), field="body") from None
    if not isinstance(document, dict) or raw.count(b":") == len(document):
        return  # not an object: the shape refuses it anyway
    try:
        duplicate = first_duplicate_key(raw)
    except ValueError:  # Python's reader is the laxer of the two: a body it refuses is no JSON either
        raise InvalidRequest("the body is not valid JSON", field="body") from None
    if duplicate is not None:
        where = json_path(duplicate)
        raise InvalidRequest(f"{where} is given more than once; each key may appear once", field=where)


def not_json(raw: bytes) -> str:
    """Why a body is no JSON, where the cause is its encoding rather than its syntax: JSON sent over a
    network is UTF-8 without a byte order mark (RFC 8259, 8.1), which some clients (PowerShell's, an editor
    saving "UTF-8 with BOM") break; "not valid JSON" alone sent their authors hunting for a syntax error in a
    body that looks right."""
    if raw.startswith(codecs.BOM_UTF8):
        return "the body is not valid JSON: it starts with a byte order mark; send UTF-8 without one"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not valid JSON: it is not UTF-8 (JSON is UTF-8, whatever charset is declared)"
    return "the body is not valid JSON"


def query(model: type[Model]) -> Model:
    """The query string as ``model``, or a 400 naming the parameter at fault.

    A parameter the model has, given twice (``?user=alice&user=bob``), is refused, as a body's key given
    twice is: read as its first value, it answered alice's events to a client that asked for both (or that
    a proxy read as bob). Parameters the model does not have are ignored, repeated or not (a cache-buster
    must not break a poller), unless one is like a parameter it has: ``?username=carol`` on the events
    route (whose filter is ``user``) answered every user's events as if filtered, so a near miss is a 400
    naming it and the one meant."""
    for name in request.args:
        near = difflib.get_close_matches(name, list(model.model_fields), n=1, cutoff=0.6)
        if name not in model.model_fields and near:
            takes = ", ".join(model.model_fields)
            raise InvalidRequest(
                f"unknown parameter {name!r} (did you mean {near[0]!r}?); this query takes {takes}",
                field=name,
            )
    for name in model.model_fields:
        if len(request.args.getlist(name)) > 1:
            raise InvalidRequest(
                f"{name} is given more than once; each parameter may appear once", field=name
            )
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        raise refused(model, exc, where="query") from None


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


def together(refusals: Sequence[SlsError], order: Iterable[str] = ()) -> SlsError | None:
    """Refusals of one form's fields, checked in stages (a shape, then what needs the shape's values, like
    the password policy), as one answer: :func:`sls_server.errors.together`."""
    return errors.together(refusals, order)


def with_rules(
    refusal: InvalidRequest, model: type[BaseModel], document: Any, rules: Rules | None
) -> SlsError:
    """The shape's ``refusal`` of ``document`` beside what ``rules`` (the core's judgement of the fields, run
    after the shape) find in the fields the shape let through, every field in ``problems`` in the body's
    order: one round of fixes, not one per stage. The rules see the whole body (the password policy judges
    against the username as typed, even one the shape refuses); what they say of a field the shape refused
    already is left out. They are the core's own (``accounts.rules``), which judges them again when the
    shape passes."""
    if rules is None or not isinstance(document, dict):
        return refusal
    at_fault = {errors.top_field(p["field"]) for p in errors.problems_of(refusal)}
    found = [r for r in rules(document) if errors.top_field(str(r.extra.get("field"))) not in at_fault]
    return together([refusal, *found], model.model_fields) or refusal


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

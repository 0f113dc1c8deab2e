"""Request bodies and query strings validated into their shapes, and the 400 ``invalid_request`` naming
the field when they are refused.

The body is validated straight from its raw bytes (``model_validate_json``: one pass, no dict built first).
Before that, what the shape cannot say: there is a body, it is declared JSON, it does not nest deeper
than :data:`~.json_provider.MAX_JSON_DEPTH` (checked ahead of the decoder, so the 400 can say why), and it
is strict JSON (``body_json``). A refusal is worded by ``refusal_words``: the first error is reported, as
the hand-written checks did (and every field's in ``problems`` when several are at fault). What the
route's core call judges after the shape (its ``rules``) is judged beside a refusal, so ``problems`` lists
every field at fault (:func:`with_rules`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from .. import errors
from ..errors import InvalidRequest, SlsError
from .body_json import empty_object, strict_json, whole_numbers
from .common import this_request
from .json_provider import MAX_JSON_DEPTH, nesting_exceeds
from .refusal_words import refused

Model = TypeVar("Model", bound=BaseModel)
#: What a body's route judges after its shape (``accounts.rules``): the refusals of the body's fields, as
#: parsed from the JSON (so of any type: one the shape refuses is judged as absent).
Rules = Callable[[Mapping[str, Any]], list[SlsError]]


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


def optional_body(model: type[Model], rules: Rules | None = None) -> Model:
    """The body as ``model`` when one is sent (judged as :func:`body` judges it), else the model's defaults:
    no body, an empty one or only whitespace, as a POST without data sends (IBeam's urllib)."""
    current = this_request()
    if current.content_length == 0 or not current.get_data(cache=True).strip():
        return model()
    return body(model, rules)


def no_body() -> None:
    """A 400 naming ``body`` when a route that takes none is sent one.

    ``POST /admin/v1/reset {"keep_users": true}`` wiped everything, and the caller believed its option was
    honoured: a body nothing reads is refused, not ignored. No body, or an empty JSON object (``{}``, which
    some clients send with every POST), says nothing and passes."""
    current = this_request()
    if _declared_empty(current.environ) or current.content_length == 0:  # declared empty (and not chunked)
        return  # nothing to read: werkzeug's read of an empty body costs some 20 µs
    raw = current.get_data(cache=True)
    if not raw.strip() or (raw.lstrip().startswith(b"{") and empty_object(raw)):
        return
    raise InvalidRequest("this route takes no body; send the request without one", field="body")


def _declared_empty(environ: dict[str, Any]) -> bool:
    """``Content-Length: 0`` and no ``Transfer-Encoding`` at all, read from the environ: what werkzeug's
    ``content_length`` then says too (0), without its two lookups through ``EnvironHeaders``, the absent
    one raising and catching a ``KeyError`` (some 4 µs; every session, tickle and logout). Any other case
    is werkzeug's to judge (a chunked body, a length it reads as 0 or as none)."""
    return environ.get("CONTENT_LENGTH") == "0" and "HTTP_TRANSFER_ENCODING" not in environ


def query(model: type[Model]) -> Model:
    """The query string as ``model``, or a 400 naming the parameter at fault.

    A parameter the model has, given twice (``?user=alice&user=bob``), is refused, as a body's key given
    twice is: read as its first value, it answered alice's events to a client that asked for both (or that
    a proxy read as bob). Parameters the model does not have are ignored, repeated or not (a cache-buster
    must not break a poller), unless one is like a parameter it has: ``?username=carol`` on the events
    route (whose filter is ``user``) answered every user's events as if filtered, so a near miss is a 400
    naming it and the one meant."""
    for name in request.args:
        if name in model.model_fields:
            continue
        near = difflib.get_close_matches(name, list(model.model_fields), n=1, cutoff=0.6)
        if near:
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

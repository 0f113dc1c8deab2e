"""The operation registry: every route declared once, with its shapes, its errors and its words.

``@operation(bp, "post", "/auth/login", body=LoginRequest, ok=LoginStarted, errors=(...), summary=...)``
does three things with one declaration:

1. registers the Flask route (the endpoint is the view's name);
2. validates the JSON body into ``body`` (and the query string into ``query``) before the view runs, and
   hands the view the model as ``body=`` (``query=``); a bad one is a 400 ``invalid_request`` naming the
   field (:mod:`.validation`). So a refused request has touched nothing. A view returns the answer (a dict
   shaped as ``ok``), which is sent as JSON with ``status``, or a finished ``Response``;
3. records the operation, from which :mod:`.openapi` generates the document: the view's name camelCased
   is the ``operationId``, its docstring the description.

What every operation of a surface shares is declared once, with :func:`surface`: its tag, its credentials
and their refusals (the admin token; the simulators' switch and token), and the refusal of state changes
(``cross_site_request`` under ``/api/v1``). The registry adds the rest by rule: ``invalid_request`` where
there is a body or a query, and under ``/api/v1``, ``/sim/v1`` and ``/admin/v1`` where there is none (a body
sent there is refused, not ignored: :data:`NO_BODY_PREFIXES`); ``body_incomplete`` wherever a body is read
(one cut short before its ``Content-Length``); ``store_unavailable`` unless ``store=False``, the session's
refusals with ``security="session"`` and ``login_binding_required`` with ``security="login"``; and on every
operation ``method_not_allowed`` (405, with ``Allow``), what its path answers a method it does not take,
and what gunicorn answers before any route: ``uri_too_long`` (414) and ``headers_too_large`` (431).

Why in-house, and not spectree or flask-openapi3 (both evaluated): spectree silently turns malformed JSON
into ``{}`` (so a broken client gets "username is required" instead of "the body is not valid JSON"),
copies every header and cookie into dicts for each request, and re-validates every response on every
request; flask-openapi3 replaces the Flask app class and answers validation errors with 422 and its own
body. Both fight the contract's error body, which is fixed. What is needed here (a decorator, pydantic
and a document builder) is this module, :mod:`.validation` and :mod:`.openapi`.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from flask import Blueprint, Flask, Response
from flask.typing import ResponseReturnValue
from pydantic import BaseModel

from ..auth.errors import (
    LoginBindingRequired,
    SessionExpired,
    SessionIpRejected,
    SessionReplaced,
    SessionRevoked,
)
from ..errors import InvalidRequest, NotAuthenticated, SlsError, StoreUnavailable
from . import validation
from .common import json_answer
from .errors import BodyIncomplete, HeadersTooLarge, UriTooLong, WrongMethod

ErrorClass = type[SlsError]
Security = Literal["session", "login", "admin", "sim", "metrics"]
#: A view returns the answer (shaped as its ``ok``), a pydantic model of it, or a finished response.
View = Callable[..., ResponseReturnValue | BaseModel]

SAFE_METHODS = frozenset({"get", "head", "options"})
#: Where an operation declared without a body refuses one (``validation.no_body``). Not the gateway's
#: ``/v1/api`` routes: real clients of the gateway (ibind) send bodies to ``ssodh/init`` and others.
NO_BODY_PREFIXES = ("/api/v1/", "/sim/v1/", "/admin/v1/")
#: What a request presenting (or lacking) a session can be refused with.
SESSION_ERRORS: tuple[ErrorClass, ...] = (
    NotAuthenticated,
    SessionExpired,
    SessionReplaced,
    SessionRevoked,
    SessionIpRejected,
)
_IMPLIED_ERRORS: dict[str | None, tuple[ErrorClass, ...]] = {
    "session": SESSION_ERRORS,
    "login": (LoginBindingRequired,),
}


@dataclass(frozen=True)
class Raw:
    """A success answer that is no JSON shape (Prometheus text, a WAV file): its media type and schema."""

    media_type: str
    schema: Mapping[str, Any]


@dataclass(eq=False)
class Surface:
    """What the operations of one blueprint share."""

    tag: str
    description: str
    security: Security | None = None
    errors: tuple[ErrorClass, ...] = ()
    """Refusals any of its operations can answer (its guard's)."""
    unsafe_errors: tuple[ErrorClass, ...] = ()
    """Refusals only its state-changing operations (not GET) can answer."""
    operations: list[Operation] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Operation:
    """One route as the document describes it."""

    method: str
    path: str
    operation_id: str
    summary: str
    description: str | None
    surface: Surface
    ok: Any
    status: int
    returns: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    errors: tuple[ErrorClass, ...]
    security: Security | None
    headers: Mapping[str, str]
    parameters: Mapping[str, str]
    body_required: bool = True
    links: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


_SURFACES: dict[Blueprint, Surface] = {}


def surface(
    bp: Blueprint,
    *,
    tag: str,
    description: str,
    security: Security | None = None,
    errors: Sequence[ErrorClass] = (),
    unsafe_errors: Sequence[ErrorClass] = (),
) -> Surface:
    """Declare what every operation of ``bp`` shares; before its first :func:`operation`."""
    declared = Surface(tag, description, security, tuple(errors), tuple(unsafe_errors))
    _SURFACES[bp] = declared
    return declared


def operation(
    bp: Blueprint,
    method: str,
    rule: str,
    *,
    summary: str,
    ok: Any,
    status: int = 200,
    returns: str | None = None,
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    query: type[BaseModel] | None = None,
    errors: Sequence[ErrorClass] = (),
    security: Security | Literal["surface"] | None = "surface",
    headers: Mapping[str, str] | None = None,
    parameters: Mapping[str, str] | None = None,
    store: bool = True,
    description: str | None = None,
    rules: validation.Rules | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
) -> Callable[[View], View]:
    """Register the view as ``method rule`` on ``bp`` and record it (see the module's docstring).

    ``ok`` is the success shape (a ``TypedDict`` or model; or :class:`Raw`), answered with ``status`` and
    described by ``returns``; ``headers`` names response headers of the success (``Set-Cookie``);
    ``parameters`` describes path parameters the document's shared table does not know. ``rules`` is what
    the view's core call judges after the shape (``accounts.rules``): when the shape refuses the body, they
    are judged too on the fields it let through, and the 400 lists every field at fault.
    ``body_required=False``: a request without a body (or an empty one) gets the model's defaults, for the
    gateway's routes that real clients call both with a body (ibind) and without one (IBeam); one that is
    sent is judged as any body. ``links`` names the calls a client makes next with an id of the answer:
    the next view's name → {its parameter: where the value is, ``response.txn_id`` (the answer's field, or a
    path into it, ``response.calls/0/call_id``) or ``path.username`` (this request's)}; the document says it
    as OpenAPI links, which generated clients and schemathesis's stateful testing follow.
    """
    method = method.lower()
    where = _SURFACES[bp]
    chosen: Security | None = where.security if security == "surface" else security

    full_rule = f"{bp.url_prefix or ''}{rule}"
    refuses_body = body is None and full_rule.startswith(NO_BODY_PREFIXES)

    def register(view: View) -> View:
        shared: list[ErrorClass] = [InvalidRequest] if body or query or refuses_body else []
        if body or refuses_body:  # the body is read: it may end before its Content-Length
            shared.append(BodyIncomplete)
        shared += where.errors
        if method not in SAFE_METHODS:
            shared += where.unsafe_errors
        shared += _IMPLIED_ERRORS.get(chosen, ())
        if store:
            shared.append(StoreUnavailable)
        shared.append(WrongMethod)  # the path's answer to any method it lacks: OpenAPI has no place per path
        shared += (UriTooLong, HeadersTooLarge)  # gunicorn's, before any route (``cli.gunicorn_errors``)
        where.operations.append(
            Operation(
                method=method,
                path=openapi_path(full_rule),
                operation_id=camel_case(view.__name__),
                summary=summary,
                description=description or inspect.getdoc(view),
                surface=where,
                ok=ok,
                status=status,
                returns=returns or summary,
                body=body,
                query=query,
                errors=tuple(dict.fromkeys((*errors, *shared))),
                security=chosen,
                headers=headers or {},
                parameters=parameters or {},
                body_required=body_required,
                links={camel_case(view): dict(filled) for view, filled in (links or {}).items()},
            )
        )

        @functools.wraps(view)
        def endpoint(**path: str) -> ResponseReturnValue:
            given: dict[str, Any] = dict(path)
            if body is not None:
                given["body"] = (
                    validation.body(body, rules) if body_required else validation.optional_body(body, rules)
                )
            elif refuses_body:
                validation.no_body()
            if query is not None:
                given["query"] = validation.query(query)
            answer = view(**given)
            if isinstance(answer, Response | tuple):
                return answer  # a finished answer, headers and all
            if isinstance(answer, BaseModel):
                answer = answer.model_dump(mode="json", by_alias=True)
            return json_answer(answer, status)

        bp.add_url_rule(rule, view.__name__, endpoint, methods=[method.upper()])
        return endpoint

    return register


def operations(app: Flask) -> list[Operation]:
    """Every recorded operation of the app's blueprints, in the order they were registered."""
    return [op for bp in app.blueprints.values() if bp in _SURFACES for op in _SURFACES[bp].operations]


def surfaces(app: Flask) -> list[Surface]:
    return [_SURFACES[bp] for bp in app.blueprints.values() if bp in _SURFACES]


def openapi_path(rule: str) -> str:
    """``/users/<username>`` (or ``<string:username>``) becomes ``/users/{username}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)

"""What Werkzeug refuses by itself, told as the contract's errors (``http.errors`` answers them): a body
larger than its limit, one that ended before its ``Content-Length``, a form of too many parts, a ``Range``
no byte of a file answers. And who is told as a page rather than as JSON: a person at a page, whose form
or address was refused, sees the pages' frame, as the pages' other refusals show."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request
from werkzeug.exceptions import (
    BadRequest,
    ClientDisconnected,
    HTTPException,
    NotAcceptable,
    PreconditionFailed,
    RequestedRangeNotSatisfiable,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from ..config import MAX_BODY_BYTES
from ..errors import InvalidRequest, SlsError
from .bodies import BodyOverLimit, BodyUnreadable
from .connection import close_after
from .errors import (
    AnswerNotAcceptable,
    BodyIncomplete,
    MediaTypeRefused,
    PreconditionRefused,
    RangeNotSatisfiable,
)

#: The blueprints of the pages (the portal, the simulators, the trainer; the gateway's login page).
_PAGE_BLUEPRINTS = ("pages", "gateway_pages")
#: Page routes that serve files, not pages: a refusal there is HTML only for a browser that prefers it.
_FILE_ENDPOINTS = frozenset({"pages.static", "pages.api_docs_viewer"})
#: What a page's form is sent as (a script of the pages sends JSON).
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Where only programs call: a 404 there stays the contract's JSON error, whatever the client accepts.
_API_PREFIXES = ("/api/", "/admin/", "/sim/v1/", "/v1/", "/metrics", "/openapi")


def werkzeug_refusal(exc: HTTPException) -> SlsError | None:
    """What Werkzeug raised by itself, reading the body (its length, a form's parts) or a header (a file's
    ``Range``), as the contract's error: its own code, one status, and the field at fault (``body``, or the
    header's name). It answered werkzeug's generic words as ``http_error`` (a 416), or a 400 naming no field
    (a body cut short). A status none of these covers is told as its family's: a 4xx as a 400
    ``invalid_request`` naming ``request`` (as gunicorn's own refusals are, ``cli.gunicorn_errors``), a 5xx
    as ``None``, the unexpected error's 500."""
    limit = request.max_content_length or MAX_BODY_BYTES
    if isinstance(exc, RequestEntityTooLarge):
        if _body_over(exc, limit):
            close_after()  # the body's rest is left unread: more than the server drains before a reuse
        return InvalidRequest(_too_large(exc, limit), field="body")
    if isinstance(exc, ClientDisconnected):
        declared = request.content_length
        said = f" ({declared} bytes)" if declared is not None else ""
        return BodyIncomplete(
            f"The body ended before the length its Content-Length header declared{said}; send it again.",
            field="body",
        )
    if isinstance(exc, BodyUnreadable):
        return InvalidRequest(exc.description or "the body cannot be read", field="body")
    if isinstance(exc, RequestedRangeNotSatisfiable):
        return RangeNotSatisfiable(field="Range")
    if isinstance(exc, PreconditionFailed):
        return PreconditionRefused(field="If-Match")
    if isinstance(exc, NotAcceptable):
        return AnswerNotAcceptable(field="Accept")
    if isinstance(exc, UnsupportedMediaType):
        return MediaTypeRefused(field="Content-Type")
    status = exc.code or 500
    if isinstance(exc, BadRequest) or 400 <= status < 500:
        return InvalidRequest(f"the request could not be read ({exc.name})", field="request")
    return None


def _body_over(exc: RequestEntityTooLarge, limit: int) -> bool:
    """Whether the body itself is over the limit, not a form's parts within a body under it."""
    declared = request.content_length
    return isinstance(exc, BodyOverLimit) or (declared is not None and declared > limit)


def _too_large(exc: RequestEntityTooLarge, limit: int) -> str:
    """What was too large: the body, or (werkzeug raises the same 413 for it) a form's parts within a body
    under the limit, which was told "the body is larger than 64 KiB" of a body of 58."""
    if _body_over(exc, limit):
        return f"the body is larger than {size(limit)}"
    parts, memory = request.max_form_parts, request.max_form_memory_size
    return f"the form holds more than {parts} parts, or a field (not a file) of more than {memory} bytes"


def a_page_was_asked_for() -> bool:
    """Whether the refused request is a person's at a page, answered with an error page: a form a page sent
    (urlencoded or multipart), or a page route asked for by a browser that prefers HTML. A page's script
    (``SLS.call``: a JSON body or none, ``Accept: */*``), a route marked ``answers_json``, a static file
    fetched by a page and every API keep the contract's JSON, which the script reads."""
    from .pages.kit import JSON_ENDPOINTS

    endpoint = request.endpoint or ""
    if request.blueprint in _PAGE_BLUEPRINTS and endpoint not in JSON_ENDPOINTS | _FILE_ENDPOINTS:
        return request.mimetype in _FORMS or _prefers_html()
    return a_browser_looking_for_a_page()


def a_page_form_its_script_sends(allowed: Iterable[str]) -> bool:
    """Whether a refused method is a page's form sent by the browser itself: a form body posted, outside the
    APIs, to an address that is a page (it takes GET), by a browser (it prefers HTML). Such forms
    (``data-form``) name no action and are their script's to send; without it they come to the page's own
    address, which takes no POST."""
    if request.method != "POST" or request.path.startswith(_API_PREFIXES) or "GET" not in allowed:
        return False
    return request.mimetype in _FORMS and _prefers_html()


def a_browser_looking_for_a_page() -> bool:
    """A GET that prefers HTML, outside the APIs: a person at an address nothing serves, who is better
    helped by the pages there are than by a JSON error."""
    if request.method != "GET" or request.path.startswith(_API_PREFIXES):
        return False
    return _prefers_html()


def _prefers_html() -> bool:
    accepted = request.accept_mimetypes
    return accepted.best_match(("application/json", "text/html")) == "text/html" and accepted["text/html"] > 0


def size(limit: int) -> str:
    """The limit the refused request was under (a state import's is larger than every other body's)."""
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit // 1024} KiB"

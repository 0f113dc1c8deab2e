"""The HTTP layer's own refusals (its guards: the admin, sim and metrics tokens, the simulators' switch,
cross-site requests; its lookups; what Werkzeug refuses by itself, worded by ``refusals``), and the one
place that turns any failure into the contract's JSON error body, never a stack trace to the client. Named
by the rule in CONTRIBUTING.md ("Errors")."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..errors import Forbidden, NotFound, SlsError, StoreUnavailable
from .common import core
from .route_lookup import (
    GATEWAY_PREFIXES,
    gateway_only,
    in_order,
    method_named,
    methods_without_the_slash,
    own_methods,
)

log = logging.getLogger("sls_server.http")

#: Sent with every error whose body has ``retry_after`` (423 and 429): the same seconds.
RETRY_AFTER = "Retry-After"
#: Sent with every error that has a ``challenge`` (RFC 9110): how to authenticate.
WWW_AUTHENTICATE = "WWW-Authenticate"

#: Sent with every 405 (RFC 9110): the methods the route takes.
ALLOW = "Allow"

#: The gateway's routes gateway mode serves, as its 404 for the others lists them.
EMULATED_GATEWAY_ROUTES = (
    "GET or POST /tickle, GET or POST /iserver/auth/status, POST /iserver/reauthenticate, "
    "POST /iserver/auth/ssodh/init, POST /logout, GET /sso/validate"
)

# --- refusals -----------------------------------------------------------------------------------------------


class SimulatorDisabled(Forbidden):
    code = "simulator_disabled"
    message = "The simulated authenticators are switched off on this server."


class AdminTokenRequired(SlsError):
    code = "admin_token_required"
    status = 401
    message = "This route needs Authorization: Bearer <admin token>."


class SimTokenRequired(SlsError):
    code = "sim_token_required"
    status = 401
    message = "This server protects /sim/v1: send Authorization: Bearer <sim token> (its SLS_SIM_TOKEN)."


class MetricsTokenRequired(SlsError):
    code = "metrics_token_required"
    status = 401
    message = (
        "This server protects /metrics: send Authorization: Bearer <metrics token> (its SLS_METRICS_TOKEN)."
    )
    challenge = 'Bearer realm="metrics"'


class TrainerSignInRequired(SlsError):
    """A console script's request from a browser not signed in to ``/trainer`` (``pages.access``); the script
    sends the person to the sign-in form."""

    code = "trainer_sign_in_required"
    status = 401
    message = "Sign in to the console first."


class SimSignInRequired(SlsError):
    """A simulator page script's request from a browser not signed in with the sim token (``pages.access``),
    where the server has one; the page's script sends the person to the form. (``sim_token`` is the code
    the pages' scripts have always read.)"""

    code = "sim_token"
    status = 401
    message = "Enter the sim token first."


class CrossSiteRequest(Forbidden):
    code = "cross_site_request"
    message = (
        "A state change authenticated by cookie must come from this server's own pages (Sec-Fetch-Site "
        "or Origin); other clients send the session as Authorization: Bearer."
    )


class GatewayCrossSite(CrossSiteRequest):
    message = "The gateway's REST routes answer tools and the gateway's own pages, not pages of other sites."


class SimCrossSite(CrossSiteRequest):
    message = (
        "The simulated cards and phones are played from this server's own pages, the sls command or a "
        "script, not from pages of other sites."
    )


class GatewayRouteNotEmulated(NotFound):
    """A path under the gateway's prefixes that gateway mode lacks: most are real routes of the gateway (its
    accounts, portfolio, orders, market data), which a client such as ibind calls; it is told so, with the
    request it sent (``http.gateway.unserved``: it counts as the gateway session's activity)."""

    message = (
        "sls gateway emulates only the gateway's login and session routes, under /v1/api and /v1/portal: "
        f"{EMULATED_GATEWAY_ROUTES}. This route (accounts, portfolio, orders, contracts, market data...) is "
        "not emulated."
    )

    @classmethod
    def of(cls, request_named: str) -> GatewayRouteNotEmulated:
        """Said of ``request_named`` (``GET /v1/api/portfolio/accounts``, or ``this path``)."""
        return cls(
            f"sls gateway does not serve {request_named}: it is not emulated. It emulates only the gateway's "
            f"login and session routes, under /v1/api and /v1/portal: {EMULATED_GATEWAY_ROUTES}. A route it "
            "does not serve (accounts, portfolio, orders, contracts, market data...) answers this 404, and "
            "counts as activity of the gateway's session, as the real gateway forwards it to the broker."
        )


class GatewayModeOff(NotFound):
    """A route only gateway mode serves (the outbox hook, the gateway's REST and admin routes), asked of a
    server not in it: werkzeug's "check your spelling" sent the reader looking for a typo in a path spelt
    right (the README offers the outbox hook to unattended scripts)."""

    message = (
        "This route is served in gateway mode only: start the server with SLS_GATEWAY=true (or "
        "`sls gateway`); a scenario asks for it with `setup.settings: {SLS_GATEWAY: true}`."
    )


class CsrfTokenInvalid(Forbidden):
    code = "csrf_token_invalid"
    message = "The form's CSRF token is missing or not this session's; reload the page and try again."


class WrongMethod(SlsError):
    """A route was sent a method it does not take (``OPTIONS`` too: no CORS preflight is served). Every
    operation of /openapi.json lists it, with ``Allow``, so a generated client has the shape of the answer
    to a method its server does not (or no longer) take."""

    code = "method_not_allowed"
    status = 405
    message = "This route does not take that method; the Allow header lists the ones it takes."


#: A page's form its script sends (``method="post"``, no action), sent by the browser itself: the script had
#: not run. Said as a page, with the way back, where the contract's JSON 405 left a person at a line of JSON.
SCRIPT_FORM_SENT_BY_THE_BROWSER = (
    "this form is sent by its page's script, which had not run (the page was still loading, or scripts are "
    "turned off), so nothing was done. Go back, let the page finish loading, and send it again."
)


# --- what gunicorn refuses before the app (``cli.gunicorn_errors``): each status its own code -------------


class UriTooLong(SlsError):
    """A request line (method, path and query) over gunicorn's 4 KB. Every operation of /openapi.json lists
    it: any path can be sent with a query long enough."""

    code = "uri_too_long"
    status = 414
    message = "The request line (path and query) is longer than the server reads (4 KB)."
    always = ("field",)


class HeadersTooLarge(SlsError):
    """Headers over gunicorn's limits (8 KB a header, 100 of them). Every operation of /openapi.json lists
    it, as any request can carry a cookie jar too large."""

    code = "headers_too_large"
    status = 431
    message = "The request's headers are larger than the server reads (8 KB a header, 100 headers)."
    always = ("field",)


class ExpectationRefused(SlsError):
    """An ``Expect`` header gunicorn does not meet (it meets only ``100-continue``)."""

    code = "expectation_failed"
    status = 417
    message = "The request's Expect header asks for what the server does not do."


class TransferCodingRefused(SlsError):
    """A ``Transfer-Encoding`` gunicorn does not decode (it decodes ``chunked`` alone)."""

    code = "unsupported_transfer_coding"
    status = 501
    message = "The request's Transfer-Encoding is not one the server decodes (chunked)."


# --- what Werkzeug refuses by itself (``werkzeug_refusal``): each its own code, one status each -----------


class BodyIncomplete(SlsError):
    """A body that ended before the length its ``Content-Length`` declared: cut short on the way (a client
    or proxy that closed early). Read as it came, it was "not valid JSON", or a form missing its last
    fields; nothing is done with it. Every operation that reads a body lists it."""

    code = "body_incomplete"
    status = 400
    message = "The body ended before the length its Content-Length header declared; send it again."
    always = ("field",)


class RangeNotSatisfiable(SlsError):
    """A ``Range`` header no byte of the file answers (the pages' static files, the API viewer's)."""

    code = "range_not_satisfiable"
    status = 416
    message = "The Range header asks for bytes this file does not have; ask without Range for all of it."
    always = ("field",)


class PreconditionRefused(SlsError):
    """An ``If-Match`` a static file does not meet (``http.files``)."""

    code = "precondition_failed"
    status = 412
    message = "The file does not match the If-Match header; ask without it for the file as it is now."
    always = ("field",)


class AnswerNotAcceptable(SlsError):
    """An ``Accept`` header that no answer of the route meets."""

    code = "not_acceptable"
    status = 406
    message = "The Accept header allows no media type this route answers in."
    always = ("field",)


class MediaTypeRefused(SlsError):
    """A body of a media type the route does not read."""

    code = "unsupported_media_type"
    status = 415
    message = "The body's Content-Type is not one this route reads."
    always = ("field",)


class UnknownCall(NotFound):
    code = "unknown_call"
    message = "This handset received no call with that id."


# --- the handler --------------------------------------------------------------------------------------------


def answer_error(exc: SlsError, *, message: str | None = None) -> Response:
    """The contract's JSON error, with the headers its body implies: every JSON refusal, the API's and the
    pages' scripts' alike, is built here. ``message``: the page's own words for it, where a page says it
    otherwise (``pages.kit.say``); nothing else of the body changes."""
    if exc.status >= 500:
        log.warning("%s: %s", exc.code, exc.message)
    body = exc.body()
    if message is not None:
        body["message"] = message
    response = jsonify(body)
    response.status_code = exc.status
    wait = exc.extra.get("retry_after")
    if isinstance(wait, int) and not isinstance(wait, bool) and wait >= 0:
        # the body's retry_after as RFC 9110's header too, which HTTP clients' retry logic reads
        response.headers[RETRY_AFTER] = str(wait)
    if exc.challenge:
        response.headers[WWW_AUTHENTICATE] = exc.challenge
    return response


def register_error_handlers(app: Flask) -> None:
    from .refusals import (
        a_browser_looking_for_a_page,
        a_page_form_its_script_sends,
        a_page_was_asked_for,
        werkzeug_refusal,
    )

    sls_error = app.errorhandler(SlsError)(answer_error)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        if status == 404 and a_browser_looking_for_a_page():
            from .pages.kit import page  # the pages' own rendering (their token, their frame)

            # The path is not repeated: a link would make it a sentence on the page (content spoofing).
            return page("not_found.html", 404, simulators=core().settings.sim_enabled)
        if status == 404 and (methods := methods_without_the_slash()):
            takes = ", ".join(methods)
            return sls_error(
                NotFound(f"No route ends with a slash: without it, this path is one, which takes {takes}.")
            )
        if status == 404 and request.path.startswith(GATEWAY_PREFIXES) and core().settings.gateway:
            from .gateway.unserved import unserved  # gateway mode's own (its session's activity)

            try:
                return sls_error(unserved())
            except StoreUnavailable as down:  # the session's state unread: fail closed, as every route
                return sls_error(down)
        if status == 404 and gateway_only(request.path) and not core().settings.gateway:
            return sls_error(GatewayModeOff())
        if status == 404:
            return sls_error(NotFound(exc.description))
        if isinstance(exc, MethodNotAllowed) and a_page_form_its_script_sends(exc.valid_methods or ()):
            from .pages.kit import refused_page  # the pages' own rendering (their token, their frame)

            body, status = refused_page(WrongMethod(SCRIPT_FORM_SENT_BY_THE_BROWSER), back=request.path)
            return body, status, {ALLOW: ", ".join(in_order(own_methods(exc.valid_methods or ())))}
        if isinstance(exc, MethodNotAllowed):
            return _wrong_method(own_methods(exc.valid_methods or ()))
        refusal = werkzeug_refusal(exc)
        if refusal is None:
            log.warning("werkzeug answered %s: %s", status, exc.name)
            return jsonify({"error": "internal_error", "message": "An unexpected error occurred."}), 500
        if a_page_was_asked_for():
            from .pages.kit import refused_page  # the pages' own rendering (their token, their frame)

            return refused_page(refusal)
        return sls_error(refusal)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error")
        return jsonify({"error": "internal_error", "message": "An unexpected error occurred."}), 500


def _wrong_method(allowed: Iterable[str]) -> ResponseReturnValue:
    """The 405 in the contract's body, naming the methods the route takes, which ``Allow`` lists in one
    order (werkzeug's came in the order of a set, so two answers of one route could differ)."""
    methods = in_order(allowed)
    told = f"This route takes {', '.join(methods)}, not {method_named(request.method)}." if methods else None
    refusal = WrongMethod(told)
    response = jsonify(refusal.body())
    response.headers[ALLOW] = ", ".join(methods)
    return response, refusal.status

"""Per-request observability: a request id, the latency histogram per route pattern, and in JSON log mode
one access line per request.

The request id comes from ``X-Request-Id`` only when the peer is one of ``SLS_TRUSTED_PROXIES`` (a proxy that
assigned it) and it looks like an id (letters, digits, ``.-_``, at most 64); otherwise a fresh random one
(``telemetry.requestid``).
Either way it is sent back in ``X-Request-Id`` and logged, so a client's report can be matched to a line.

The access line names the client's address (the socket's peer, or the client a proxy in
``SLS_TRUSTED_PROXIES`` names, as the audit events give it) and the route *pattern*
(``/api/v1/auth/login/<txn_id>/verify``), never the path (it holds transaction, device and session ids), never
headers, cookies, query or body: nothing secret, no transaction id. In text mode gunicorn writes the access
line (``cli.gunicorn_logs.ACCESS_LOG_FORMAT``); in JSON mode it is switched off and this hook writes the line
instead, with the request id, and the user of the live session that made the request, if one did: that line
shares its stream with the audit events' lines, which name users anyway, where the text access line has a
stream of its own (stdout) and names no one. A name the request only claims (a login's, an admin path's) is
never written there: it may be a password typed one field too early.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Request, Response

from ..ipnets import in_networks, parse_ip, parse_network
from ..telemetry import metrics
from ..telemetry.requestid import current_request_id, fresh_request_id
from .accesslog import ROUTE_KEY, UNMATCHED
from .common import USER_KEY, client_ip, core, header, this_request

REQUEST_ID_HEADER = "X-Request-Id"
REQUEST_ID_KEY = "sls.request_id"
_STARTED_KEY = "sls.started"
_ID_FORM = re.compile(r"[A-Za-z0-9._-]{1,64}")

access_log = logging.getLogger("sls_server.access")


def _from_trusted_proxy(current: Request) -> bool:
    proxies = core().settings.trusted_proxies
    if not proxies or not current.remote_addr:
        return False
    try:
        peer = parse_ip(current.remote_addr)
    except ValueError:
        return False
    return in_networks(peer, [parse_network(cidr) for cidr in proxies])


def request_id(current: Request) -> str:
    """The id the proxy gave this request, if we trust the proxy and it is well formed; else a new one."""
    given = header(REQUEST_ID_HEADER, current)
    if given and _ID_FORM.fullmatch(given) and _from_trusted_proxy(current):
        return given
    return fresh_request_id()


def start() -> None:
    """The start time and the request id, in the WSGI environ (the request is bound once: see
    :func:`~.common.this_request`)."""
    current = this_request()
    environ = current.environ
    environ[_STARTED_KEY] = time.perf_counter()
    environ[REQUEST_ID_KEY] = rid = request_id(current)
    current_request_id.set(rid)  # for the other lines this request logs (``telemetry.jsonlog``)


def forget(_error: BaseException | None) -> None:
    """Past the request, its thread's lines carry no id (the next request sets its own)."""
    current_request_id.set(None)


def finish(response: Response) -> Response:
    current = this_request()  # bound once: this hook reads the request five times or more
    environ = current.environ
    started = environ.get(_STARTED_KEY)
    seconds = time.perf_counter() - started if isinstance(started, float) else 0.0
    route = str(environ.get(ROUTE_KEY, UNMATCHED))
    rid = str(environ.get(REQUEST_ID_KEY) or request_id(current))
    response.headers[REQUEST_ID_HEADER] = rid
    metrics.observe_request(route, current.method, response.status_code, seconds)
    if response.status_code == 503 and _store_unavailable(response):
        metrics.observe_redis_error("unavailable")
    if core().settings.log_format == "json":
        line = {
            "request_id": rid,
            "ip": client_ip(),  # as the text line's first field, but the client behind a trusted proxy
            "method": current.method,
            "route": route,
            "status": response.status_code,
            "bytes": response.calculate_content_length(),
            "duration_ms": round(seconds * 1000, 3),
        }
        if user := environ.get(USER_KEY):  # a session's answer writes no event: the line is its only trace
            line["user"] = user
        access_log.info("request", extra=line)
    return response


def _store_unavailable(response: Response) -> bool:
    """Whether a 503 is Redis's: ``store_unavailable`` as JSON, or a page saying so. A JSON 503 naming
    another cause (``audio_failed``: espeak-ng failed the simulated call's audio) is not."""
    if not response.is_json:
        return True
    body = response.get_json(silent=True)
    return not isinstance(body, dict) or body.get("error") == "store_unavailable"


def register(app: Flask) -> None:
    """``start`` runs before every other ``before_request`` hook (so the duration covers them, and a refusal
    by one still gets an id); ``finish`` after the other ``after_request`` hooks, with the final status."""
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request_funcs.setdefault(None, []).insert(0, finish)
    app.teardown_request(forget)
    metrics.count_store_bugs(logging.getLogger("sls_server.http"))
    metrics.zero_known_series()

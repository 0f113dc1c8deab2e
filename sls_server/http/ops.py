"""Liveness, readiness, metrics and the API description."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from ..auth.errors import TokenGuessesLimited
from ..errors import StoreUnavailable
from ..shapes.ops import Status
from ..telemetry.metrics import CONTENT_TYPE
from ..telemetry.scrape import scrape
from .common import bearer_token, client_ip, core, extension
from .errors import MetricsTokenRequired
from .operations import Raw, operation, surface

#: Where the app factory keeps this run's id (``app.extensions``).
INSTANCE_ID = "sls_instance_id"

bp = Blueprint("ops", __name__)
surface(bp, tag="ops", description="Liveness, readiness, metrics and this document.")


@operation(bp, "get", "/healthz", summary="Liveness", ok=Status, returns="The process serves.", store=False)
def healthz() -> ResponseReturnValue:
    return {"status": "ok", "instance_id": instance_id()}


@operation(bp, "get", "/readyz", summary="Readiness", ok=Status, returns="Redis takes a write.")
def readyz() -> ResponseReturnValue:
    """Ready when Redis takes a write, not merely answers PING. 503 `store_unavailable` (with `status:
    unavailable`) while Redis does not answer or refuses writes (out of memory, read-only replica, MISCONF,
    NOREPLICAS, BUSY), whose `message` says why: the probe's write not taken, and the Redis error code or
    the system's words for a failed connection (`Connection refused`); never a password, and never where
    Redis is (this answers anyone: the address is in the server's log). On a Redis Cluster, ready only when
    every master takes a write and reports every slot served (`cluster_state:ok`): a master down or frozen,
    its slots served by nobody until its replica is promoted, is a 503 whose `message` names that master by
    the first slot it serves and what went wrong."""
    try:
        core().check_ready()
    except StoreUnavailable as exc:
        return jsonify({**exc.body(), "status": "unavailable"}), 503
    return {"status": "ready", "instance_id": instance_id()}


def instance_id() -> str:
    """This server run's id (``create_app``'s ``instance_id``): which run answers at a URL, asked without
    credentials by the commands that found it in a record of the data folder (``cli.recorded_process``)."""
    return extension(INSTANCE_ID, str)


@operation(
    bp,
    "get",
    "/metrics",
    summary="Prometheus metrics",
    ok=Raw("text/plain", {"type": "string"}),
    returns="Prometheus text format (prometheus-client), summed over every worker of this server.",
    errors=(MetricsTokenRequired, TokenGuessesLimited),
    security="metrics",
    store=False,
)
def metrics() -> Response:
    """Counted in each worker as requests are served, from the audit events and the routes (no Redis
    round trip on any request): `sls_login_attempts_total{result,factor}`, `sls_lockouts_total{kind}`,
    `sls_messages_sent_total{channel,outcome,reason}` (sms, voice, push; delivered, or dropped by the
    network and why), `sls_redis_errors_total{kind}`,
    `sls_http_requests_total{route,method,status}` and `sls_http_request_duration_seconds{route,method}`
    (route patterns, never ids). Read from Redis at scrape time: `sls_active_sessions` and
    `sls_events_total{type}` (the trail's totals, the same from every instance), left out while Redis
    cannot serve (the scrape still answers, and counts the Redis error).

    Open, unless the server sets `SLS_METRICS_TOKEN`: then only `Authorization: Bearer <metrics token>`
    reads it (401 `metrics_token_required` otherwise), since the counters tell apart refusals that
    `SLS_IP_REFUSAL=silent` answers alike. A wrong token is counted against the client's address, in a
    window of its own: too many (`SLS_IP_THROTTLE_LIMIT` per `SLS_IP_THROTTLE_WINDOW`) and every token from
    it is 429 `rate_limited`, the right one too, until the oldest leaves the window. No token is no guess
    and costs no Redis round trip; while Redis cannot serve, the right token is still answered."""
    if not core().metrics_access.opens(bearer_token(), ip=client_ip()):
        raise MetricsTokenRequired()
    return Response(scrape(core()), content_type=CONTENT_TYPE)


@operation(
    bp,
    "get",
    "/openapi.json",
    summary="This document",
    ok=Raw("application/json", {"type": "object"}),
    returns=(
        "The OpenAPI 3.1 document. Sent again with `If-None-Match: <its ETag>`, 304 with no body while the "
        "document has not changed."
    ),
    headers={
        "ETag": "The document's entity tag (strong): the same while the server's code is the same.",
        "Cache-Control": "`no-cache`: keep it, and ask again with `If-None-Match` before using it.",
    },
    store=False,
)
def get_open_api() -> ResponseReturnValue:
    """Generated from the declarations of the routes themselves (``sls_server.http.operations``). With a
    strong ``ETag`` and ``Cache-Control: no-cache``: a client asks again each time (a new version of the
    server serves a new document) and gets ``304`` with no body while it has not changed."""
    from .openapi import document_json

    body, etag = document_json(current_app)
    answer = Response(body, content_type="application/json")
    answer.set_etag(etag)
    answer.headers["Cache-Control"] = "no-cache"
    return answer.make_conditional(request)

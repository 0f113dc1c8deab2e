"""Liveness, readiness, metrics and the API description."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify
from flask.typing import ResponseReturnValue

from ..errors import StoreUnavailable
from ..shapes.ops import Status
from .common import core
from .operations import Raw, operation, surface

bp = Blueprint("ops", __name__)
surface(bp, tag="ops", description="Liveness, readiness, metrics and this document.")


@operation(bp, "get", "/healthz", summary="Liveness", ok=Status, returns="The process serves.", store=False)
def healthz() -> ResponseReturnValue:
    return {"status": "ok"}


@operation(bp, "get", "/readyz", summary="Readiness", ok=Status, returns="Redis takes a write.")
def readyz() -> ResponseReturnValue:
    """Ready when Redis takes a write, not merely answers PING. 503 `store_unavailable` (with `status:
    unavailable`) while Redis does not answer or refuses writes (out of memory, read-only replica, MISCONF,
    NOREPLICAS, BUSY)."""
    try:
        core().check_ready()
    except StoreUnavailable as exc:
        return jsonify({**exc.body(), "status": "unavailable"}), 503
    return {"status": "ready"}


@operation(
    bp,
    "get",
    "/metrics",
    summary="Prometheus metrics",
    ok=Raw("text/plain", {"type": "string"}),
    returns="Prometheus text format: `sls_events_total` by event type.",
)
def metrics() -> Response:
    """Event counters kept in Redis, so every worker and instance reports the same totals."""
    lines = [
        "# HELP sls_events_total Audit events recorded, by type.",
        "# TYPE sls_events_total counter",
    ]
    for type_, count in sorted(core().events.counters().items()):
        lines.append(f'sls_events_total{{type="{type_}"}} {count}')
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


@operation(
    bp,
    "get",
    "/openapi.json",
    summary="This document",
    ok=Raw("application/json", {"type": "object"}),
    returns="The OpenAPI 3.1 document.",
    store=False,
)
def get_open_api() -> ResponseReturnValue:
    """Generated from the declarations of the routes themselves (``sls_server.http.operations``)."""
    from .openapi import document

    return document(current_app)

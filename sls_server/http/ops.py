"""Liveness, readiness, metrics and the API description."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ..errors import StoreUnavailable
from .common import core

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    """Ready when Redis takes a write, not merely answers PING (see ``Store.check_writable``)."""
    try:
        core().check_ready()
    except StoreUnavailable as exc:
        return jsonify({**exc.body(), "status": "unavailable"}), 503
    return jsonify({"status": "ready"})


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus text: event counters kept in Redis, so every worker and instance reports the same totals."""
    lines = [
        "# HELP sls_events_total Audit events recorded, by type.",
        "# TYPE sls_events_total counter",
    ]
    for type_, count in sorted(core().events.counters().items()):
        lines.append(f'sls_events_total{{type="{type_}"}} {count}')
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


@bp.get("/openapi.json")
def openapi():  # type: ignore[no-untyped-def]
    from .openapi.document import build_spec

    return jsonify(build_spec())

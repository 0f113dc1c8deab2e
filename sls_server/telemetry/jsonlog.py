"""``SLS_LOG_FORMAT=json``: every log line one JSON object, for a log collector.

Fields: ``ts`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger``, ``pid``, ``message``, and for the
per-request access line (``sls_server.access``) ``request_id``, ``ip`` (the client's address), ``method``,
``route`` (the pattern, never the path), ``status``, ``bytes``, ``duration_ms`` and, for a request a live
session made, its ``user``; any other line written while a request is served (an audit event, a refusal, a
Redis outage) carries that request's ``request_id`` too; an audit event's line carries its fields as one
object, ``event``. Only fields named in :data:`ACCESS_FIELDS` and :data:`EVENT_FIELD` are taken from a
record's extras, so nothing a caller attaches by accident (a header, a body) reaches the line. The messages
themselves are the same as in text mode, which never carry a password, PIN, code, key or token.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from .requestid import current_request_id

ACCESS_FIELDS = ("request_id", "ip", "method", "route", "status", "bytes", "duration_ms", "user")
#: An audit event's line carries the event's fields under this extra, written as one object (``type``,
#: ``at``, ``user``, ``ip``, ``result``, ``detail``...), so a collector can query them.
EVENT_FIELD = "event"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        for name in (*ACCESS_FIELDS, EVENT_FIELD):
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if "request_id" not in line and (serving := current_request_id.get()) is not None:
            line["request_id"] = serving  # a line written while a request is served: its id
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, separators=(",", ":"), default=str)


def gunicorn_logconfig(level: str) -> dict[str, Any]:
    """gunicorn's own logs (start, workers, errors) as JSON on stderr; its access log is off in JSON mode
    (the app writes that line itself, with the request id)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "gunicorn.error": {"level": level.upper(), "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }

"""A fresh request id: the handle an answer's ``X-Request-Id`` and its log lines share, so a client's report
can be matched to a line. From ``random``'s generator, which every forked worker reseeds: an id matches
lines, it guards nothing, and it costs no system call. Standard library only: gunicorn's own error answers
(``cli.gunicorn_errors``) carry one too, from the master's process, before any app is loaded."""

from __future__ import annotations

import random
from contextvars import ContextVar

#: The id of the request this thread is serving (None between requests): every JSON log line written while
#: serving it carries it (``jsonlog``), so an event's or a refusal's line can be matched to its access line.
current_request_id: ContextVar[str | None] = ContextVar("sls_request_id", default=None)


def fresh_request_id() -> str:
    return f"{random.getrandbits(64):016x}"

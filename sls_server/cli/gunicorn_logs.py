"""What ``sls serve`` and ``sls demo`` log, and where: the access line's format, the service's own lines on
stderr (text or JSON), gunicorn's loggers for JSON and for ``--json``, and the demo's seeding kept quiet.

gunicorn's loggers are classes it instantiates itself, so each setting is a class made here; the master
(``gunicorn_app.SlsApplication``) names the one :func:`logger_class` picks in its options, and sets up the
rest once, before the workers fork.
"""

from __future__ import annotations

import hmac
import logging
import sys
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when used, so ``sls`` commands that serve nothing never load it
    from gunicorn.glogging import Logger

#: method, route pattern (``/api/v1/auth/login/<txn_id>/verify``, set by ``http.accesslog``), status, bytes,
#: duration, and the request id the answer's ``X-Request-Id`` carries (``http.observe``), so a client's report
#: finds its line. Never the path (it carries transaction, device and session ids), the query, headers,
#: cookies or bodies: the Authorization header holds the admin token and session tokens, bodies hold
#: passwords.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %({sls.route}e)s" %(s)s %(B)s %(M)sms %({sls.request_id}e)s'


#: The header ``sls demo`` sends while it seeds its world, with a random value of that run: those requests
#: stay out of the access log and the server's INFO lines, so the world it prints is not buried under its own
#: set-up. Nothing else is hidden, and the audit trail (events) records them all the same.
DEMO_SEED_HEADER = "X-SLS-Demo-Seed"


def quiet_logger_class(token: str) -> type[Logger]:
    """gunicorn's logger, minus the access lines of requests that carry ``DEMO_SEED_HEADER: token``."""
    from gunicorn.glogging import Logger

    environ_key = "HTTP_" + DEMO_SEED_HEADER.upper().replace("-", "_")

    class DemoSeedQuietLogger(Logger):
        def access(self, resp: Any, req: Any, environ: MutableMapping[str, Any], request_time: Any) -> None:
            if _is_token(str(environ.get(environ_key, "")), token):
                return  # gunicorn's environ here (no Flask request): the test _from_demo_seed makes
            super().access(resp, req, environ, request_time)

    return DemoSeedQuietLogger


def _is_token(given: str, token: str) -> bool:
    """Is ``given`` (a request's ``DEMO_SEED_HEADER``, '' if none) the run's ``token``? In constant time."""
    return bool(given) and hmac.compare_digest(given.encode(), token.encode())


def _from_demo_seed(token: str) -> bool:
    """Does the request being served carry ``DEMO_SEED_HEADER: token``? False outside a request."""
    from flask import has_request_context, request

    return _is_token(request.headers.get(DEMO_SEED_HEADER, "") if has_request_context() else "", token)


class DemoSeedFilter(logging.Filter):
    """Drops the server's INFO lines (one per audit event) of ``sls demo``'s seeding requests, like their
    access lines; a warning or error of theirs is still logged."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or not _from_demo_seed(self._token)


def log_to_stderr(json_logs: bool, level: str) -> None:
    """The service's own log lines (logger ``sls_server``), beside gunicorn's, on stderr; as JSON objects with
    ``SLS_LOG_FORMAT=json``. Set up in the master, before the fork, so its own lines (the start-up warning,
    the embedded Redis's watchdog) are written as the workers' are, and every worker inherits the handler.
    Idempotent.

    A served request writes two lines or more (its access line, one per audit event). No format here or
    gunicorn's names the calling function, its line or the thread, so the records skip finding them (the
    logging HOWTO's "Optimization": the caller's frame walk, the thread's name, the process's name), about
    7 µs of CPU a line here; the pid, which the formats print, is still taken."""
    logging._srcfile = None  # the documented switch (a private name, but the HOWTO gives it)
    logging.logThreads = False
    logging.logMultiprocessing = False
    server_log = logging.getLogger("sls_server")
    server_log.setLevel(level)
    if server_log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        from sls_server.telemetry.jsonlog import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        from sls_server.telemetry.textlog import TextFormatter

        handler.setFormatter(TextFormatter())
    from .start_lines import HOLD

    HOLD.attach(handler)  # a start that fails writes its error alone (``start_lines``)
    server_log.addHandler(handler)
    from sls_server.telemetry.decoy_log import Unwritten, decoy_log

    decoy_log.addHandler(Unwritten(handler))  # a decoy's lines formatted alike, and never written


def json_logger_class(base: type) -> type:
    """gunicorn's logger for ``SLS_LOG_FORMAT=json``: its own lines as JSON objects, and no access line of its
    own (the app writes one per request, with the request id: ``http.observe``)."""
    from sls_server.telemetry.jsonlog import JsonFormatter

    class JsonLogger(base):  # type: ignore[misc]  # gunicorn's Logger, or the demo's quiet one
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

        def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
            return

    return JsonLogger


def stderr_access_class(base: type) -> type:
    """gunicorn's logger with its access lines on stderr, where ``accesslog = "-"`` puts them on stdout: for
    ``--json``, whose stdout a program reads as JSON. (A path like /dev/stderr opens a second file
    description: on a redirected stderr, gunicorn's own later lines overwrite the access lines.)"""

    class StderrAccessLogger(base):  # type: ignore[misc]  # gunicorn's Logger, or the demo's quiet one
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in self.access_log.handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)

    return StderrAccessLogger


def logger_class(
    chosen: type | None, *, quiet_token: str | None, json_logs: bool, access_to_stderr: bool
) -> type | None:
    """The logger class gunicorn is to use (None: its own), ``chosen`` being the one its options name
    already: the demo's quiet one for ``quiet_token``, then JSON lines, or else access lines on stderr."""
    if quiet_token:
        chosen = quiet_logger_class(quiet_token)
    if json_logs or access_to_stderr:
        from gunicorn.glogging import Logger

        wrap = json_logger_class if json_logs else stderr_access_class
        chosen = wrap(chosen or Logger)
    return chosen

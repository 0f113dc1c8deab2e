"""gunicorn's own error answers as JSON, like every other error the service gives.

A request gunicorn refuses before the app sees it (a request line over its limit: 414; headers over theirs:
431; a malformed request line or header: 400) was answered with gunicorn's HTML page, which also echoed what
the client sent, while the contract says every error is ``{"error", "message"}``, each code with one
status (the refusals' classes are in ``http/errors.py``: ``uri_too_long``, ``headers_too_large``...).
gunicorn has no setting for its error pages: its workers call ``gunicorn.util.write_error``, which is
replaced here, once, in the master before the workers fork (as ``gunicorn_app.hide_server_header`` does
for the ``Server`` header). The answer never repeats the client's input: gunicorn's message can hold a
header's value. Nor does the log: gunicorn's warning for the refusal quotes the header line or request
line it could not parse (a token whose header lost its colon, a transaction id in a path), and
:class:`QuietRefusals` cuts the quote.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from typing import Any

from ..errors import Forbidden, InvalidRequest, SlsError

#: gunicorn's own failure (500, a configuration problem): the code the app's unexpected errors answer with.
SERVER_FAULT = "internal_error"

#: What a refusal is about, where gunicorn's status says: as every 4xx of the contract names its field.
FIELDS = {414: "path", 431: "headers", 400: "request", 417: "headers", 501: "headers"}


def refusal_class(status: int) -> type[SlsError] | None:
    """The error of each status gunicorn answers by itself (``Worker.handle_error``), each with its own code,
    so one code keeps one status (a 414 and a 431 said ``invalid_request``, the 400's code); ``None`` for
    a server fault."""
    from ..http.errors import ExpectationRefused, HeadersTooLarge, TransferCodingRefused, UriTooLong

    return {
        400: InvalidRequest,
        403: Forbidden,  # a PROXY line from an address not allowed to send one, a TLS failure
        414: UriTooLong,
        417: ExpectationRefused,
        431: HeadersTooLarge,
        501: TransferCodingRefused,
    }.get(status)


def answer(status: int, reason: str) -> tuple[int, str, bytes]:
    """(status, reason, JSON body) of gunicorn's refusal. A status this module does not know (a later
    gunicorn's) is answered as the 400 or 500 of its family, whose codes are the contract's."""
    refused = refusal_class(status)
    if refused is None and status < 500:
        status, reason, refused = 400, "Bad Request", InvalidRequest
    elif refused is None and status != 500:
        status, reason = 500, "Internal Server Error"
    message = f"The server refused the request before reading it: {reason} (HTTP {status})."
    body: dict[str, Any]
    if refused is None:
        body = {"error": SERVER_FAULT, "message": message}
    else:
        body = refused(message, **({"field": FIELDS[status]} if status in FIELDS else {})).body()
    return status, reason, json.dumps(body, separators=(",", ":")).encode()


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """``gunicorn.util.write_error``'s signature; ``mesg`` is left out on purpose (see the module)."""
    from gunicorn import util

    from ..http.security import CSP_API, HEADERS
    from ..telemetry.requestid import fresh_request_id

    status_int, reason, body = answer(status_int, reason)
    # the security headers every answer of the app has (the document requires them on every answer)
    secured = "".join(
        f"{name}: {value}\r\n" for name, value in (("Content-Security-Policy", CSP_API), *HEADERS.items())
    )
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"{secured}"
        "Cache-Control: no-store\r\n"
        f"X-Request-Id: {fresh_request_id()}\r\n"  # as every answer has, though no line of the app logs it
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def json_error_pages() -> None:
    """Idempotent."""
    from gunicorn import util

    util.write_error = write_json_error


#: gunicorn's warning for a request it refuses (``gunicorn.workers.base.Worker.handle_error``).
REFUSAL_PREFIX = "Invalid request from ip="
#: Where its reason starts quoting the client (``Invalid HTTP Header: 'Authorization Bearer ...'``).
_QUOTED = re.compile(r":\s*['\"].*\Z", re.DOTALL)


#: gunicorn's error line, with a traceback, for a socket error reading a request (``ThreadWorker.handle``).
SOCKET_ERROR = "Socket error processing request."


class QuietRefusals(logging.Filter):
    """Keeps what was wrong with a refused request (``Invalid HTTP Header``) and drops what was sent; a client
    that sent nothing for the read timeout (``gunicorn_worker``) is one info line, not an error's traceback
    per stalled socket."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(REFUSAL_PREFIX):
            record.msg, record.args = _QUOTED.sub("", message), ()
        elif message == SOCKET_ERROR and record.exc_info and isinstance(record.exc_info[1], TimeoutError):
            record.msg, record.args = "A client sent nothing for the read timeout: connection closed.", ()
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def quiet_refusals() -> None:
    """On gunicorn's error logger, whose setup keeps a logger's filters. Idempotent."""
    error_log = logging.getLogger("gunicorn.error")
    if not any(isinstance(each, QuietRefusals) for each in error_log.filters):
        error_log.addFilter(QuietRefusals())

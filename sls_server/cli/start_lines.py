"""The master's own log lines while a start may still fail, held back until it cannot.

A start that cannot happen says one line, its error (``error: --port: ...``, or that error as JSON under
``SLS_LOG_FORMAT=json``), exit code 2 (``serve``). Before, the steps it had taken and then undone came first:
"generated <data dir>/secret.key", "embedded redis-server started on ...", as if it were starting, then the
error; an operator (or a log collector) read a start among them. Those lines are held while ``sls serve``,
``sls demo`` and ``sls gateway`` settle their start (the settings, the port, the secrets, the embedded Redis,
the secret key's check, the gateway's certificate), written as they were once it succeeded, and dropped if it
failed: the error says what went wrong, and what a failed start leaves behind is in docs/operations.md
("When a start fails"). The hold is the start's too: the secrets it generated are taken back if it fails
(``start_files``).

The filter sits on the service's stderr handler (``gunicorn_logs.log_to_stderr`` adds it), so it holds the
lines of every ``sls_server.*`` logger whether the handler was made before the hold began or during it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from ..start_files import taken_back_if_failed


class HeldLines(logging.Filter):
    """While a hold is on, a handler's records are kept (with the handler) instead of written."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[tuple[logging.Handler, logging.LogRecord]] | None = None

    def attach(self, handler: logging.Handler) -> None:
        self._handler = handler
        handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.held is None:
            return True
        self.held.append((self._handler, record))
        return False


#: One per process: the service's stderr handler is made once (``log_to_stderr`` is idempotent).
HOLD = HeldLines()


@contextlib.contextmanager
def held_until_started() -> Iterator[None]:
    """Hold the service's lines for the block: written when it returns, dropped when it raises (the error
    that stopped the start is then the only line). Not nested: the outer hold owns them."""
    if HOLD.held is not None:
        yield
        return
    HOLD.held = []
    try:
        with taken_back_if_failed():  # the secrets it generated go with a failed start too
            yield
    except BaseException:
        HOLD.held = None
        raise
    held, HOLD.held = HOLD.held, None
    for handler, record in held:
        handler.handle(record)

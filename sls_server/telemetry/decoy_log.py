"""Where a decoy's event lines go, apart from the events module: ``sls serve`` sets its handler up in the
gunicorn master before ``PROMETHEUS_MULTIPROC_DIR`` is set, and :mod:`sls_server.events` loads
prometheus-client, which would then count each worker in memory (``tests/unit/test_metrics_mode.py``)."""

from __future__ import annotations

import logging

#: Where a decoy's event lines go (``EventLog.record_decoy``): made as the trail's are, and never written (not
#: passed on to ``sls_server``'s handlers; ``sls serve`` gives it an :class:`Unwritten`, which formats them).
decoy_log = logging.getLogger("sls_server.events.decoy")
decoy_log.propagate = False


class Unwritten(logging.Handler):
    """Formats each line as the handler it copies would, and writes it nowhere: a decoy's lines cost what a
    user's do up to the write itself (``cli.gunicorn_logs.log_to_stderr``)."""

    def __init__(self, like: logging.Handler) -> None:
        super().__init__(like.level)
        self.setFormatter(like.formatter)

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)

"""A decoy's event lines (``EventLog.record_decoy``: a start of "Forgot your password?" at a name no user
has) are made as a user's are and never written: under ``sls serve``'s logging they are formatted by the
formatter of the server's handler too, so the line costs what a user's does up to the write itself, and no
made-up name, nor a decoy's event, reaches the log."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

SCRIPT = """
import json, logging, sys
from sls_server.cli.gunicorn_logs import log_to_stderr
from sls_server.events import log
from sls_server.telemetry.decoy_log import decoy_log

log_to_stderr({json_logs}, "INFO")
formatted = []
for handler in [*logging.getLogger("sls_server").handlers, *decoy_log.handlers]:
    kind = type(handler.formatter)
    class Counting(kind):
        def format(self, record):
            formatted.append(record.getMessage())
            return super().format(record)
    handler.setFormatter(Counting())
log.info("a user's line")
decoy_log.info("a decoy's line")
print(json.dumps(formatted))
"""


@pytest.mark.parametrize("json_logs", [True, False], ids=["json", "text"])
def test_a_decoy_line_is_formatted_as_a_users_and_written_nowhere(json_logs: bool) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(json_logs=json_logs)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(ran.stdout) == ["a user's line", "a decoy's line"], ran.stderr
    assert "a user's line" in ran.stderr and "a decoy's line" not in ran.stderr, ran.stderr

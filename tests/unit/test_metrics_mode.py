"""prometheus-client picks where a process counts (memory, or files every worker's scrape sums) when any
part of it is first imported, from ``PROMETHEUS_MULTIPROC_DIR``. ``sls serve`` sets that variable only after
the CLI is loaded, just before gunicorn forks: a command module importing prometheus-client at its top
would make every worker count in memory, and ``/metrics`` would show none of their counters."""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_cli_leaves_prometheus_client_unimported() -> None:
    code = (
        "import sys, sls_server.cli.main\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prometheus_client'))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout

"""prometheus-client picks where a process counts (memory, or files every worker's scrape sums) when any
part of it is first imported, from ``PROMETHEUS_MULTIPROC_DIR``. ``sls serve`` sets that variable only after
the CLI is loaded, just before gunicorn forks: a command module importing prometheus-client at its top
would make every worker count in memory, and ``/metrics`` would show none of their counters."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["sls_server.cli.main", "sls_server.cli.serve", "sls_server.cli.demo", "sls_server.cli.gateway_cmd"],
)
def test_loading_the_cli_leaves_prometheus_client_unimported(module: str) -> None:
    """The main module, and each command that starts a server, as the master has them loaded before it sets
    the variable (``sls serve`` reading its ``--host`` through the HTTP layer's guard loaded it so)."""
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prometheus_client'))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout


@pytest.mark.parametrize("json_logs", [False, True])
def test_setting_the_server_s_logs_up_leaves_prometheus_client_unimported(json_logs: bool) -> None:
    """The master sets its log handlers up before it sets the variable: the decoy's handler, taken from the
    events module (which counts into prometheus-client), left every worker counting in memory."""
    code = (
        "import sys\n"
        "from sls_server.cli.gunicorn_logs import log_to_stderr\n"
        f"log_to_stderr({json_logs}, 'INFO')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prometheus_client'))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout


def test_in_multiprocess_mode_each_forked_process_counts_in_files_of_its_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The kept process id (no ``os.getpid()`` system call per count) is renewed in a forked child, so the
    child's counts go to files named for it and the parent's stay in the parent's: a scrape sums both."""
    code = (
        "import os, sys\n"
        "from sls_server.telemetry import metrics\n"
        "from prometheus_client import values\n"
        "assert values.ValueClass is not None\n"
        "metrics.observe_request('/x', 'GET', 200, 0.01)\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    metrics.observe_request('/x', 'GET', 200, 0.01)\n"
        "    metrics.observe_request('/x', 'GET', 200, 0.01)\n"
        "    os._exit(0)\n"
        "os.waitpid(child, 0)\n"
        "print(os.getpid(), child)\n"
        "print(metrics.render(metrics.ScrapeTime(lambda: 0, dict)).decode())\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    parent, child = ran.stdout.splitlines()[0].split()
    assert {p.name for p in tmp_path.iterdir()} >= {f"counter_{parent}.db", f"counter_{child}.db"}
    assert 'sls_http_requests_total{method="GET",route="/x",status="200"} 3.0' in ran.stdout


def test_a_scrape_while_a_worker_is_still_making_its_file_leaves_that_file_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """prometheus-client creates a worker's file empty, then sizes it: a scrape in between (a worker booting
    at start-up, or one gunicorn started in a dead one's place) failed on the empty header with
    ``struct.error``, and the whole scrape was a 500 (seen in ``tests/e2e/test_cli_metrics.py``'s first
    scrape of a two-worker server). The file holds nothing yet: the other workers' counts are served."""
    code = (
        "from sls_server.telemetry import metrics\n"
        "metrics.observe_request('/x', 'GET', 200, 0.01)\n"
        "open(f'{__import__(\"os\").environ[\"PROMETHEUS_MULTIPROC_DIR\"]}/counter_4242.db', 'wb').close()\n"
        "print(metrics.render(metrics.ScrapeTime(lambda: 0, dict)).decode())\n"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert ran.returncode == 0, ran.stderr
    assert 'sls_http_requests_total{method="GET",route="/x",status="200"} 1.0' in ran.stdout

"""``sls_bench.cpu.tree_cpu_s``: a server's CPU is its master's and every process it forked, however deep."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sls_bench.cpu import tree_cpu_s

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

# A master that forks a worker, as gunicorn does; the worker spends 0.3 s of CPU, says so, and waits.
SPIN = """import time
t = time.process_time()
while time.process_time() - t < 0.3:
    pass
print("spent", flush=True)
input()
"""
MASTER = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {SPIN!r}])"


def test_the_cpu_of_a_process_forked_by_the_master_counts() -> None:
    master = subprocess.Popen(
        [sys.executable, "-c", MASTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert master.stdout is not None and master.stdout.readline() == "spent\n"
        spent = tree_cpu_s(master.pid)
        assert spent is not None and spent >= 0.29  # ticks of 10 ms; the master's own start-up adds to it
    finally:
        master.communicate("\n", timeout=30)


def test_a_process_that_is_gone_is_not_measured() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert tree_cpu_s(finished.pid) is None

"""``sls_bench.cpu.tree_usage``: a server's usage is its master's and every process it forked, however deep,
with user and system time apart and every thread's context switches."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sls_bench.cpu import Usage, tree_usage

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")

# A master that forks a worker, as gunicorn does; the worker spends what WORK says, says so, and waits.
SPIN = """import time
t = time.process_time()
while time.process_time() - t < 0.3:
    pass
"""
# system time: the kernel copying zeros into a buffer, until this process itself has seen 0.2 s of it
KERNEL = """import os
zero = os.open("/dev/zero", os.O_RDONLY)
while os.times().system < 0.2:
    os.read(zero, 1 << 20)
"""
# two threads, neither the one the process started with, hand a byte to each other 300 times: each waits
# for the other's byte (a voluntary switch) at almost every turn; then both stay alive until the measure,
# since a thread that ended takes its count with it
PING_PONG = """import os, threading
there, here = os.pipe(), os.pipe()
finished, release = threading.Barrier(3), threading.Event()
def ping():
    for _ in range(300):
        os.write(there[1], b"x")
        os.read(here[0], 1)
    finished.wait()
    release.wait()
def pong():
    for _ in range(300):
        os.read(there[0], 1)
        os.write(here[1], b"x")
    finished.wait()
    release.wait()
for turn in (ping, pong):
    threading.Thread(target=turn, daemon=True).start()
finished.wait()
"""
WAIT = """
print("spent", flush=True)
input()
"""


def _spent_by_a_forked_worker(work: str) -> Usage:
    master = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {work + WAIT!r}])",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert master.stdout is not None and master.stdout.readline() == "spent\n"
        spent = tree_usage(master.pid)
        assert spent is not None
        return spent
    finally:
        master.communicate("\n", timeout=30)


def test_the_cpu_of_a_process_forked_by_the_master_counts() -> None:
    spent = _spent_by_a_forked_worker(SPIN)
    # ticks of 10 ms; the master's own start-up adds to it. (Reading the process's CPU clock is a system
    # call, so a good part of the spinning is system time.)
    assert spent.cpu_s == spent.user_s + spent.system_s >= 0.29


def test_time_in_the_kernel_is_system_time() -> None:
    spent = _spent_by_a_forked_worker(KERNEL)
    assert spent.system_s >= 0.19


def test_the_switches_of_every_thread_count_not_only_the_first_ones() -> None:
    """``/proc/<pid>/status`` alone counts the first thread's: a handful here, where the two others wait
    hundreds of times, as a gunicorn worker's threads do while its first one only polls."""
    assert _spent_by_a_forked_worker(PING_PONG).voluntary_switches >= 300


def test_a_slice_is_the_difference_of_two_readings() -> None:
    before, after = Usage(1.0, 0.5, 10, 2), Usage(1.5, 0.75, 25, 3)
    assert after - before == Usage(0.5, 0.25, 15, 1)
    assert before + (after - before) == after


def test_a_process_that_is_gone_is_not_measured() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    assert tree_usage(finished.pid) is None

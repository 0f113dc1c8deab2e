"""A pid whose process has ended: what a record left by a server or demo killed with SIGKILL names."""

from __future__ import annotations

import subprocess
import sys


def a_dead_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(done.stdout)

"""Whether a gateway process whose lease is still live is gone, when this process can tell for sure: sooner
than its lease runs out (10 s), for a process killed without its stop (SIGKILL, a crash) on this machine.

A lease names its master's pid and the pid namespace it runs in (this boot's id and the namespace's inode:
``recorded_process.namespace``, as the data folder's files name their processes).
Only in the same namespace does a pid mean the same process: on another host, or in another container of
this one (its own namespace, even under the same host name: the host name alone would be wrong there), the
lease is left to run out. In the same namespace, ``kill(pid, 0)`` failing with ESRCH means no such process:
gone for sure. The other mistakes are safe ones. A reused pid (another process took it) or a zombie not yet
reaped looks alive: the lease runs out as before. A namespace that ended (its container stopped) and whose
inode a new one took ends all its processes with it: gone is then true, whatever ``kill`` says.
"""

from __future__ import annotations

import os

from ..store.records.gateway import GatewayProcess


def gone(process: GatewayProcess, here: str) -> bool:
    """Whether ``process`` (another one's lease) is known to have ended, judged from namespace ``here``."""
    if not here or process.ns != here or process.pid <= 0:  # 0 and below name process groups, not a process
        return False
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: a process of another user has that pid, so it exists
        return False
    return False

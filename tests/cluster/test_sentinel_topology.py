"""The Sentinel set-up the tests run on (``cluster/sentinel_topology.py``) fails over on a loaded machine."""

from __future__ import annotations

import os
import signal
import threading
import time

from cluster.sentinel_topology import LocalSentinel
from cluster.topology import Node, poll


def test_a_failover_is_finished_though_the_sentinel_running_it_stalled_into_tilt_mode(
    redis_sentinel: LocalSentinel,
) -> None:
    """A Sentinel whose timer runs 2 s late enters TILT mode: for 30 s it acts on nothing, and a failover it
    was waiting on (the replica told to be master, not yet seen to be one) is then aborted, never resumed.
    On CI (load average 15) ``failover()`` waited 30 s for a new master that never came. The stall is made
    here by stopping the Sentinel's process the moment the replica is promoted, before the Sentinel's next
    look at it."""
    redis_sentinel.wait_healthy()
    old = redis_sentinel.current_master()
    replica = redis_sentinel.replica if old is redis_sentinel.master else redis_sentinel.master
    asker = redis_sentinel.sentinels[0]
    stalled = threading.Thread(target=_stall_when_promoted, args=(replica, asker))
    stalled.start()
    try:
        new = redis_sentinel.failover()
    finally:
        stalled.join()
    assert asker.call("INFO", "sentinel")["sentinel_tilt"] == 0
    assert new is replica and old.role() == "slave"
    assert "+tilt" in asker.log_tail(), "the stall put the Sentinel in TILT mode"


def _stall_when_promoted(replica: Node, sentinel: Node) -> None:
    assert sentinel.process is not None
    poll("the replica to be promoted", lambda: replica.role() == "master", every_s=0.005)
    os.kill(sentinel.process.pid, signal.SIGSTOP)
    try:
        time.sleep(2.5)  # the stall itself: TILT is measured on the machine's clock, which no test moves
    finally:
        os.kill(sentinel.process.pid, signal.SIGCONT)

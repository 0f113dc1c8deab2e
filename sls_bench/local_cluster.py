"""A local Redis Cluster to measure against: ``python -m sls_bench.local_cluster`` from the source tree.

It starts the same three masters and three replicas the tests use (``tests/cluster/topology.py``: the
``redis-server`` binary alone, loopback ports, a temporary folder), prints its ``redis+cluster://`` URL on
one line, and keeps it up until interrupted (Ctrl-C) or its standard input closes; then it stops every node
and removes the folder. For example, in one terminal ``python -m sls_bench.local_cluster``, in another
``sls bench --redis-url 'redis+cluster://...'``.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def main() -> None:
    if not (TESTS / "cluster" / "topology.py").exists():
        sys.exit("sls_bench.local_cluster needs the source tree's tests/cluster/topology.py")
    sys.path.insert(0, str(TESTS))
    # imported by name: the tests are no package mypy follows (pytest's rootdir rules put them on the path)
    LocalCluster = importlib.import_module("cluster.topology").LocalCluster

    folder = Path(tempfile.mkdtemp(prefix="sls-cluster-"))
    cluster = LocalCluster(folder).start()
    try:
        print(cluster.url, flush=True)
        print("cluster up: Ctrl-C or end of input stops it", file=sys.stderr, flush=True)
        sys.stdin.read()  # blocks until the input closes (or Ctrl-C)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The lockout flood as a script: the same as ``sls bench --lockout`` (see ``sls bench --help``).

python sls_bench/lockout_flood.py --accounts 500 --attempts 12
"""

from __future__ import annotations

import sys

from sls_server.cli.bench_cmd import bench

if __name__ == "__main__":
    bench(["--lockout", *sys.argv[1:]], prog_name="lockout_flood.py")

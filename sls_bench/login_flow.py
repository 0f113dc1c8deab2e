"""The login-flow benchmark as a script: the same as ``sls bench`` (see ``sls bench --help``).

python sls_bench/login_flow.py --hash-profile standard --clients 16 --duration 20
"""

from __future__ import annotations

from sls_server.cli.bench_cmd import bench

if __name__ == "__main__":
    bench(prog_name="login_flow.py")

"""``sls bench --redis-url`` naming a Redis that is not there: one line naming it (password masked), exit 1,
not redis-py's ConnectionError with a traceback."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from sls_server.cli.main import cli

pytestmark = pytest.mark.e2e


def test_bench_against_no_redis_says_so(tmp_path: object) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"redis://:s3cret@127.0.0.1:{port}/0"
    args = ["bench", "--redis-url", url, "--duration", "1", "--rounds", "1", "--no-baseline"]
    args += ["--seed-users", "0"]
    result = CliRunner().invoke(cli, args, env={"SLS_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: Redis at redis://:***@127.0.0.1:{port}/0: "), result.stderr
    assert "s3cret" not in result.output

"""Which Redis errors are an outage (503, fail closed) and which a bug of ours (a loud 500 that never
quotes a command's arguments). Errors come from a real redis-server where one can be provoked cheaply;
the rest are Redis's own reply lines, parsed by redis-py as they would be off the wire."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
import redis
from redis._parsers import BaseParser
from redis.cluster import RedisCluster

from sls_server.errors import StoreUnavailable
from sls_server.store import StoreBug, connect, is_outage
from sls_server.store.base import guarded

SECRET = "hunter2-not-for-logs"


@guarded
class Probe:
    """A repository of one method, so errors pass through the same guard as every real repository."""

    def __init__(self, client: redis.Redis | RedisCluster) -> None:
        self._r = client

    def run(self, *args: object, **options: object) -> object:
        return self._r.execute_command(*args, **options)


@pytest.mark.parametrize(
    "reply",
    [
        "OOM command not allowed when used memory > 'maxmemory'.",
        "OOM command not allowed when used memory > 'maxmemory'. script: 3f2b, on @user_script:1.",  # Redis 7
        "ERR Error running script (call to f_3f2b): @user_script:1: @user_script: 1: "
        "-OOM command not allowed when used memory > 'maxmemory'.",  # Redis 6
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.",
        "LOADING Redis is loading the dataset in memory",
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.",
        "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
        "CLUSTERDOWN The cluster is down",
        "TRYAGAIN Multiple keys request during rehashing of slot",
        "READONLY You can't write against a read only replica.",
        "ERR Error running script (call to f_3f2b): @user_script:4: @user_script: 4: "
        "-READONLY You can't write against a read only replica.",
        "NOREPLICAS Not enough good replicas to write.",
        "NOSCRIPT No matching script. Please use EVAL.",
        "NOAUTH Authentication required.",
        "NOPERM this user has no permissions to run the 'evalsha' command",
        "WRONGPASS invalid username-password pair or user is disabled.",
    ],
)
def test_the_store_cannot_serve(reply: str) -> None:
    assert is_outage(BaseParser.parse_error(reply))


@pytest.mark.parametrize(
    "reply",
    [
        "WRONGTYPE Operation against a key holding the wrong kind of value",
        "ERR Error running script (call to f_3f2b): @user_script:7: user_script:7: "
        "attempt to compare nil with number",
        "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 1a, on "
        "@user_script:1.",
        "ERR wrong number of arguments for 'hset' command",
        "EXECABORT Transaction discarded because of previous errors.",
    ],
)
def test_a_bug_of_ours_is_not_an_outage(reply: str) -> None:
    assert not is_outage(BaseParser.parse_error(reply))


def test_redis_gone_is_store_unavailable(tmp_path: Path) -> None:
    probe = Probe(connect(f"unix://{tmp_path / 'nothing-here.sock'}", timeout_s=0.5))
    with pytest.raises(StoreUnavailable):
        probe.run("PING")


def test_a_refused_command_is_a_store_bug_that_never_quotes_its_arguments(redis_url: str) -> None:
    """Redis quotes an unknown command's arguments; the error that reaches the logs must not."""
    client = connect(redis_url)
    # a cluster client refuses a command it cannot route before Redis sees it: send it to one node (named:
    # a flag such as RANDOM still has the client look the command up first)
    options = {"target_nodes": client.get_default_node()} if isinstance(client, RedisCluster) else {}
    probe = Probe(client)
    with pytest.raises(StoreBug) as caught:
        probe.run("NOSUCHCOMMAND", SECRET, **options)
    logged = "".join(traceback.format_exception(caught.value))
    assert "Probe.run" in logged and "ERR" in logged
    assert SECRET not in logged


def test_a_pipeline_error_never_quotes_the_command(redis_url: str) -> None:
    """redis-py quotes a failed pipeline command (``Command # 1 (HSET key field value)``): not logged."""
    client = connect(redis_url)
    client.set("sls:test:string", "x")

    @guarded
    class Writer:
        def write(self) -> object:
            pipe = client.pipeline(transaction=True)
            pipe.hset("sls:test:string", "password_hash", SECRET)
            return pipe.execute()

    with pytest.raises(StoreBug) as caught:
        Writer().write()
    logged = "".join(traceback.format_exception(caught.value))
    assert "WRONGTYPE" in logged
    assert SECRET not in logged


def test_a_lua_error_keeps_its_script_line(redis_url: str) -> None:
    probe = Probe(connect(redis_url))
    with pytest.raises(StoreBug, match=r"@user_script:1"):
        probe.run("EVAL", "return nil + 1", 0)

"""What one round trip costs the client's CPU: the store's own send (``store/batch.py``) against redis-py's
pipeline and redis-py's ``evalsha``, on the same commands, the same connection pool, one Redis.

The login flow makes eleven round trips; most carry a few commands (reads of a user, a script, queued
audit events) and the rest one script. redis-py's ``Pipeline`` builds an object per batch, stacks each
command with its options, runs the batch through its retry wrapper and its observability hooks, and resets
itself twice; ``execute_command`` does much the same for one command. The store packs the commands, writes
them, and reads the answers on a pooled connection, keeping redis-py's packing, parsing, reply callbacks and
retry of a refused connection: this times what the difference is worth per round trip.

Two batches, as the flow sends them: four commands (three reads and a script) and one script alone. The
two ways take turns in ``--rounds`` blocks, and the least CPU per round trip of each is reported (the
machine's other work only ever adds).

    python sls_bench/batch_cost.py [--rounds 6] [--number 5000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis

from sls_server.store.batch import send_all
from sls_server.store.connection import connect
from sls_server.store.embedded import EmbeddedRedis
from sls_server.store.writebehind import Queued

SCRIPT = "return redis.call('HGETALL', KEYS[1])"
USER = "bench:user:{alice}"


def redis_py_pipeline(client: redis.Redis, commands: list[Queued]) -> list[Any]:
    pipe = client.pipeline(transaction=False)
    for command in commands:
        pipe.execute_command(*command.wire)  # type: ignore[no-untyped-call]  # redis-py: unannotated
    return list(pipe.execute(raise_on_error=False))


def cpu_us(action: Callable[[], object], number: int) -> float:
    started = time.process_time()
    for _ in range(number):
        action()
    return (time.process_time() - started) / number * 1e6


def measure(rounds: int, number: int) -> dict[str, dict[str, float]]:
    with (
        tempfile.TemporaryDirectory() as data,
        EmbeddedRedis(Path(data) / "redis", appendonly=False) as server,
    ):
        client = connect(server.url)
        assert isinstance(client, redis.Redis)
        client.hset(USER, mapping={f"field{i}": "x" * 20 for i in range(12)})
        script = client.register_script(SCRIPT)
        script.sha = client.script_load(SCRIPT)
        call = Queued(("1", "2"), script, (USER,))
        four = [
            Queued(("HGETALL", USER)),
            Queued(("HMGET", USER, "field1", "field2")),
            Queued(("ZRANGEBYSCORE", "bench:window:{alice}", "-inf", "+inf")),
            call,
        ]
        ways: dict[str, dict[str, Callable[[], object]]] = {
            "four commands": {
                "store": lambda: send_all(client, four),
                "redis-py": lambda: redis_py_pipeline(client, four),
            },
            "one script": {
                "store": lambda: call.send(client),
                "redis-py": lambda: client.evalsha(script.sha, 1, USER, "1", "2"),
            },
        }
        for batch in ways.values():  # the same answers both ways, or the comparison means nothing
            answers = [way() for way in batch.values()]
            assert all(answer == answers[0] for answer in answers), answers
        best: dict[str, dict[str, float]] = {name: {} for name in ways}
        for _ in range(rounds):
            for name, batch in ways.items():
                for way, action in batch.items():
                    spent = cpu_us(action, number)
                    best[name][way] = min(spent, best[name].get(way, spent))
        client.close()
    return best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=6, help="turns the two ways take (least kept)")
    parser.add_argument("--number", type=int, default=5000, help="round trips per turn")
    options = parser.parse_args(argv)
    best = measure(options.rounds, options.number)
    print(f"{'CPU µs per round trip':28}{'store':>10}{'redis-py':>10}{'saved':>10}")
    for name, ways in best.items():
        saved = ways["redis-py"] - ways["store"]
        print(f"{name:28}{ways['store']:>10.1f}{ways['redis-py']:>10.1f}{saved:>10.1f}")


if __name__ == "__main__":
    main()

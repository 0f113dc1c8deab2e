"""A census of a server's Redis keys, for ``scripts/soak_state.py``: the ``sls:`` keys grouped by their shape
(the hash tag's owner and any id replaced by a placeholder), with how many there are, how many have no TTL,
their members (a set's, hash's, list's or stream's length) and ``MEMORY USAGE`` summed. A SCAN: for an
operator's or a soak's eyes, never a request path.

    python scripts/redis_census.py unix:///tmp/soak/redis/redis.sock [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

import redis

#: Ids made of hex, digits or a round's number become ``*`` (the key's shape is what a census groups by).
_TAG = re.compile(r"\{([a-z]+)(?::[^}]*)?\}")
_ID = re.compile(r"(?<=:)[^:{}]*[0-9][^:{}]*$")
_LENGTH = {"set": "scard", "zset": "zcard", "hash": "hlen", "list": "llen", "stream": "xlen"}


def shape(key: str) -> str:
    """``sls:{u:card-00012}:login:abc123`` -> ``sls:{u:*}:login:*``."""
    tagged = _TAG.sub(lambda m: "{" + m.group(1) + (":*}" if ":" in m.group(0) else "}"), key)
    return _ID.sub("*", tagged)


def census(client: Any) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for raw in client.scan_iter(match="sls:*", count=1000):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        kind = client.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else str(kind)
        row = found.setdefault(shape(key), {"keys": 0, "no_ttl": 0, "members": 0, "bytes": 0})
        row["keys"] += 1
        row["no_ttl"] += int(client.ttl(key) == -1)
        row["members"] += int(getattr(client, _LENGTH[kind])(key)) if kind in _LENGTH else 1
        row["bytes"] += int(client.memory_usage(key) or 0)
    return dict(sorted(found.items()))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("redis_url")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    found = census(redis.Redis.from_url(args.redis_url))
    if args.json:
        print(json.dumps(found, indent=1))
        return 0
    print(f"{'shape':58} {'keys':>6} {'no TTL':>6} {'members':>8} {'bytes':>9}")
    for name, row in found.items():
        print(f"{name:58} {row['keys']:6} {row['no_ttl']:6} {row['members']:8} {row['bytes']:9}")
    total = {k: sum(r[k] for r in found.values()) for k in ("keys", "no_ttl", "members", "bytes")}
    print(f"{'total':58} {total['keys']:6} {total['no_ttl']:6} {total['members']:8} {total['bytes']:9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

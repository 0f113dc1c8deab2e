"""What an ``SLS_REDIS_URL`` names: one Redis, a Redis Cluster, or a master found through Sentinel.

Parsed here, with no I/O, so configuration can refuse a malformed URL at start-up (naming the variable)
and :func:`~.store.connection.connect` builds the matching client from the same reading. Outside ``store``,
whose ``__init__`` imports redis-py: the settings, and the ``sls`` commands that read them, load without it.
Three forms:

- ``redis://``, ``rediss://``, ``unix://``: one Redis, read by redis-py's own ``from_url``.
- ``redis+cluster://[user:password@]host:port[,host:port...]``: startup nodes of a Redis Cluster; the client
  learns the rest of the cluster (and every later change of it) from them. No database: a cluster has db 0.
- ``redis+sentinel://[user:password@]host:port[,host:port...]/<master-name>[?db=N]``: Sentinels to ask
  which server is the master named ``<master-name>``; the credentials are the master's (Sentinels are asked
  without any, the usual set-up on a private network).

A malformed URL raises ``ValueError`` with a message fit to show after the variable's name. A password is
never part of a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, unquote, urlparse

SINGLE_SCHEMES = ("redis://", "rediss://", "unix://")
CLUSTER_SCHEME = "redis+cluster://"
SENTINEL_SCHEME = "redis+sentinel://"
SCHEMES = (*SINGLE_SCHEMES, CLUSTER_SCHEME, SENTINEL_SCHEME)

DEFAULT_PORT = {"cluster": 6379, "sentinel": 26379}
_HOST_PORT = re.compile(
    r"^(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9._-]+))(?::(?P<port>\d{1,5}))?$"
)
_MASTER_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

Kind = Literal["single", "cluster", "sentinel"]


@dataclass(frozen=True, slots=True)
class RedisTarget:
    """A parsed ``SLS_REDIS_URL``. For ``single`` only ``url`` matters (redis-py parses it)."""

    kind: Kind
    url: str
    nodes: tuple[tuple[str, int], ...] = ()
    username: str | None = None
    password: str | None = None
    master_name: str | None = None
    db: int = 0


def parse_redis_url(url: str) -> RedisTarget:
    """Read ``url``; ``ValueError`` saying what is wrong (never quoting a password) when it is malformed."""
    if url.startswith(SINGLE_SCHEMES):
        _check_single(url)
        return RedisTarget("single", url)
    if url.startswith(CLUSTER_SCHEME):
        return _parse_multi("cluster", url, url[len(CLUSTER_SCHEME) :])
    if url.startswith(SENTINEL_SCHEME):
        return _parse_multi("sentinel", url, url[len(SENTINEL_SCHEME) :])
    raise ValueError("must start with " + ", ".join(SCHEMES[:-1]) + " or " + SCHEMES[-1])


#: What redis-py takes for ``ssl_cert_reqs``; anything else it refuses only when it first connects.
_CERT_REQS = ("none", "optional", "required")


def _check_single(url: str) -> None:
    """A single Redis's URL read as redis-py will read it, now, so a malformed one stops start-up with a
    line naming what is wrong rather than a traceback at the first connection."""
    from redis.connection import parse_url  # here: the CLI's client commands read the settings, not Redis

    try:
        options = parse_url(url)  # type: ignore[no-untyped-call]  # unannotated in redis-py
    except ValueError as exc:  # urllib's and redis-py's words name the part, never the password
        raise ValueError(f"not a URL redis-py can read: {exc}") from None
    if not url.startswith("unix://"):
        _check_database_path(url)
    reqs = options.get("ssl_cert_reqs")
    if isinstance(reqs, str) and reqs.lower() not in _CERT_REQS:
        raise ValueError(f"ssl_cert_reqs must be one of {', '.join(_CERT_REQS)}")


#: The path of a ``redis://`` URL: none, or the database index (a trailing slash tolerated).
_DB_PATH = re.compile(r"/?|/\d+/?")


def _check_database_path(url: str) -> None:
    """redis-py reads a path that is not a number (``/abc``, ``/1x``) as no path, database 0, without a word:
    the data would then go into another database than the one meant. The path is not quoted: in a URL whose
    password holds an unencoded ``/`` the path begins inside the password."""
    parts = urlparse(url)
    if "db" in parse_qs(parts.query):  # ``?db=N`` wins over the path, which redis-py then ignores
        return
    if not _DB_PATH.fullmatch(unquote(parts.path)):
        raise ValueError(
            "the database index, the path after host:port (as in /0), is not a number of 0 or more"
        )


def _parse_multi(kind: Kind, url: str, rest: str) -> RedisTarget:
    scheme = CLUSTER_SCHEME if kind == "cluster" else SENTINEL_SCHEME
    # the last '@' ends the credentials (no host, master name or option holds one), so a password with a
    # stray '/', '?' or '@' left unencoded is still read whole, and never quoted in a message about the rest
    userinfo, at, rest = rest.rpartition("@")
    rest, _, query = rest.partition("?")
    if "#" in rest or "#" in query:
        raise ValueError(f"a {scheme} URL takes no fragment")
    hosts, slash, path = rest.partition("/")
    username = password = None
    if at:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) if colon else None
    nodes = tuple(_node(entry, DEFAULT_PORT[kind], scheme) for entry in hosts.split(","))
    options = parse_qs(query, keep_blank_values=True, strict_parsing=False) if query else {}
    if kind == "cluster":
        if path not in ("", "0"):
            raise ValueError(f"a {scheme} URL names no database (a Redis Cluster has only db 0)")
        if options:
            raise ValueError(f"a {scheme} URL takes no options, got {', '.join(sorted(options))}")
        return RedisTarget(kind, url, nodes, username, password)
    if not slash or not _MASTER_NAME.fullmatch(path):
        raise ValueError(f"a {scheme} URL ends with the master's name: {scheme}host:port[,host:port]/<name>")
    unknown = sorted(set(options) - {"db"})
    if unknown:
        raise ValueError(f"unknown option {', '.join(unknown)} in a {scheme} URL (only db=N)")
    db = 0
    if "db" in options:
        values = options["db"]
        if len(values) != 1 or not values[0].isdigit() or int(values[0]) > 15:
            raise ValueError("db must be one number from 0 to 15")
        db = int(values[0])
    return RedisTarget(kind, url, nodes, username, password, path, db)


def _node(entry: str, default_port: int, scheme: str) -> tuple[str, int]:
    match = _HOST_PORT.fullmatch(entry.strip())
    if not match:
        shown = entry.strip() or "(empty)"
        raise ValueError(f"{shown!r} is not host:port in a {scheme} URL (nodes are separated by commas)")
    port = int(match["port"]) if match["port"] else default_port
    if not 0 < port < 65536:
        raise ValueError(f"port {port} out of range in a {scheme} URL")
    return match["ipv6"] or match["host"], port


def mask_url(url: str | None) -> str | None:
    """``redis://:s3cret@host:6379/0`` -> ``redis://:***@host:6379/0``: never show a password. One in the
    query (``unix:///run/redis.sock?password=s3cret``, the place redis-py reads a unix socket's from) is
    masked too: it was printed whole in the banner, the start-up facts (a JSON log line), ``sls config``.
    Here, not in the CLI, since ``GET /admin/v1/settings`` shows the URL too; the user info is cut by hand,
    so a Cluster's or Sentinel's list of hosts (``h1:7000,h2:7001``, no port ``urlsplit`` reads) is masked
    alike."""
    if not url:
        return url
    base, asks, query = url.partition("?")
    if asks:
        query, hashed, fragment = query.partition("#")
        url = f"{base}?{_mask_query(query)}{hashed}{fragment}"
        base = url.partition("?")[0]
    scheme, sep, rest = base.partition("://")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    userinfo, at, hosts = netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.partition(":")[0]
    return f"{scheme}://{user}:***@{hosts}{slash}{path}{url[len(base) :]}"


def _mask_query(query: str) -> str:
    """Each ``name=value`` whose name says password (``password``, ``sentinel_password``) as ``name=***``."""
    fields = []
    for field in query.split("&"):
        name, equals, _ = field.partition("=")
        fields.append(f"{name}=***" if equals and "password" in name.lower() else field)
    return "&".join(fields)

"""How each kind of configuration value is read: integers and numbers within bounds, booleans, choices,
tokens, keys, Redis URLs, CIDR lists.

Each reader takes the raw value (a string from the environment, or whatever ``create_app`` was given) and
returns it parsed, or raises ``ValueError`` with a sentence that ``config.load_settings`` prefixes with the
key's name. Which key uses which reader, with which bounds, is ``config.PARSERS``: the keys and their limits
stay in one module.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .ipnets import parse_network
from .redis_urls import parse_redis_url
from .shapes.daily_reset import parse_daily_reset


def integer(lo: int, hi: int, unit: str = "") -> Callable[[Any], int]:
    """A whole number in ``lo..hi``; ``unit`` (seconds, days) is said in a refusal, so
    ``SLS_CHALLENGE_TTL=5m`` tells the operator the number is seconds, not only that it must be an integer."""
    whole = f"a whole number of {unit}" if unit else "an integer"
    of_unit = f" {unit}" if unit else ""

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError(f"must be {whole}")
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise ValueError(f"must be {whole}, got {value!r}") from None
        if not lo <= number <= hi:
            raise ValueError(f"must be between {lo} and {hi}{of_unit}, got {number}")
        return number

    return parse


def seconds(lo: int, hi: int) -> Callable[[Any], int]:
    return integer(lo, hi, "seconds")


def number(lo: float, hi: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"must be a number, got {value!r}") from None
        if not lo <= number <= hi:
            raise ValueError(f"must be between {lo} and {hi}, got {number}")
        return number

    return parse


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"must be true or false, got {value!r}")


def choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}, got {value!r}")
        return text

    return parse


def optional_text(value: Any) -> str | None:
    text = str(value).strip()
    return text or None


def redis_url(value: Any) -> str | None:
    """One Redis, a Sentinel-watched master or a Cluster (``redis_urls`` reads all three, here and when
    connecting), so a malformed one stops start-up naming ``SLS_REDIS_URL``, not the first request."""
    text = optional_text(value)
    if text:
        parse_redis_url(text)
    return text


def secret_key(value: Any) -> bytes | None:
    if isinstance(value, bytes):
        raw = value
    else:
        text = str(value).strip()
        if not text:
            return None
        raw = parse_key_text(text)
    if len(raw) != 32:
        raise ValueError("must be 32 bytes: 64 hex characters or 44 base64 characters")
    return raw


def parse_key_text(text: str) -> bytes:
    """Hex first (what ``sls`` writes), then base64; the length check happens in the caller."""
    try:
        return bytes.fromhex(text)
    except ValueError:
        pass
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("must be 64 hex characters or base64 of 32 bytes") from None


def bearer_token(value: Any) -> str | None:
    text = optional_text(value)
    if text is not None and len(text) < 16:
        raise ValueError("must be at least 16 characters")
    return text


def path(value: Any) -> Path:
    return Path(str(value)).expanduser()


def cidrs(value: Any) -> tuple[str, ...]:
    """Each item read by ``ipnets.parse_network``, the reading every request applies to them, so what a
    request would refuse (a zone: ``fe80::1%eth0``) stops start-up instead of failing every login. Kept in
    CIDR form (``127.0.0.1/32``): gunicorn's ``forwarded_allow_ips`` is handed the same text."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    networks = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            networks.append(str(parse_network(item)))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or CIDR range (no zone)") from None
    return tuple(networks)


def daily_time(value: Any) -> str | None:
    """The daily reset's ``HH:MM`` by the rule the API and the CLI share (``7:05`` is ``07:05``); ``off``
    or unset: none."""
    text = optional_text(value)
    return None if text is None else parse_daily_reset(text)


#: A DNS name: dot-separated labels of letters, digits, '-' (and '_', which some internal names have).
HOST_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9_][a-z0-9_-]{0,62}(\.[a-z0-9_][a-z0-9_-]{0,62})*\.?")


def host_names(value: Any) -> tuple[str, ...]:
    """Host names or IP addresses, comma-separated, as a browser writes them in ``Host`` (lower-case, no port,
    an IPv6 address without brackets)."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    names = []
    for item in (str(i).strip().lower() for i in items):
        if not item:
            continue
        bare = item[1:-1] if item.startswith("[") and item.endswith("]") else item
        try:
            names.append(str(ipaddress.ip_address(bare)))
            continue
        except ValueError:
            pass
        if not HOST_NAME.fullmatch(item):
            raise ValueError(f"{item!r} is not a host name or IP address (no port, no scheme)")
        names.append(item.rstrip("."))
    return tuple(names)


def instance_name(value: Any) -> str:
    text = str(value).strip()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", text):
        raise ValueError("must be 1-32 letters, digits, '.', '_' or '-'")
    return text

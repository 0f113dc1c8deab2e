"""What the IP rules accept, parsed and normalised before anything is stored: an allowlist's entries, an
account's id, an account's usernames. Pure: no store, no Flask (``access`` applies them)."""

from __future__ import annotations

import re
from typing import Any

from ..errors import InvalidRequest
from ..ipnets import network_text, parse_network
from .users import canonical_username

MAX_ENTRIES = 1000
MAX_ENTRY_CHARS = 100  # the longest real entry (an IPv6 CIDR) is under 50 characters
MAX_ACCOUNT_USERS = 1000
ACCOUNT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FIELD = "ip_allowlist"


def _bad_entry(message: str, index: int, entry: object) -> InvalidRequest:
    shown = entry[:MAX_ENTRY_CHARS] if isinstance(entry, str) else entry
    extra: dict[str, Any] = {"index": index}
    if shown is None or isinstance(shown, str | int | float | bool):  # echo scalars, not whole structures
        extra["entry"] = shown
    return InvalidRequest(f"{FIELD}[{index}]: {message}", field=FIELD, **extra)


def parse_allowlist(value: object) -> list[str]:
    """The normalised allowlist, or :class:`InvalidRequest` naming the first bad entry.

    All or nothing: callers parse before they store, so one bad entry leaves the old list in place.
    Host bits are cleared (``10.0.0.1/8`` -> ``10.0.0.0/8``), single hosts are shown as bare addresses,
    IPv4-mapped IPv6 as IPv4, duplicates dropped keeping the first. Parsing a normalised list gives it back.
    """
    if not isinstance(value, list):
        raise InvalidRequest(f"{FIELD} must be a list of IP addresses or CIDR ranges", field=FIELD)
    if len(value) > MAX_ENTRIES:
        raise InvalidRequest(
            f"{FIELD} may hold at most {MAX_ENTRIES} entries, got {len(value)}",
            field=FIELD,
            max_entries=MAX_ENTRIES,
        )
    normalised: dict[str, None] = {}
    for index, entry in enumerate(value):
        if not isinstance(entry, str):
            raise _bad_entry("must be a string", index, entry)
        if not entry.strip() or len(entry) > MAX_ENTRY_CHARS:
            raise _bad_entry("is not an IP address or CIDR range", index, entry)
        try:
            network = parse_network(entry)
        except ValueError:
            raise _bad_entry("is not an IP address or CIDR range", index, entry) from None
        normalised[network_text(network)] = None
    return list(normalised)


def canonical_account_id(account_id: object) -> str:
    if not isinstance(account_id, str) or not ACCOUNT_ID_RE.fullmatch(account_id):
        raise InvalidRequest(
            "account_id must be 1-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="account_id",
        )
    return account_id


def parse_usernames(value: object, *, field: str = "users") -> list[str]:
    """Canonical usernames, duplicates dropped; 400 naming ``field`` for anything else."""
    if not isinstance(value, list) or len(value) > MAX_ACCOUNT_USERS:
        raise InvalidRequest(f"{field} must be a list of at most {MAX_ACCOUNT_USERS} usernames", field=field)
    names: dict[str, None] = {}
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InvalidRequest(f"{field}[{index}] must be a string", field=field, index=index)
        try:
            names[canonical_username(item)] = None
        except InvalidRequest:
            raise InvalidRequest(
                f"{field}[{index}] is not a valid username", field=field, index=index
            ) from None
    return list(names)

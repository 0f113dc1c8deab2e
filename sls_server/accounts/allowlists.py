"""What the IP rules accept, parsed and normalised before anything is stored: an allowlist's entries, an
account's id, an account's usernames. Pure: no store, no Flask (``access`` applies them)."""

from __future__ import annotations

import re
from typing import Any

from ..errors import MAX_PROBLEMS, InvalidRequest, SlsError, together
from ..ipnets import network_text, normalise_ip, parse_network
from .user_fields import canonical_username

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
    """The normalised allowlist, or :class:`InvalidRequest` naming the bad entries (the first as ``field``,
    ``index`` and ``entry``; every one in ``problems`` when there are several: :func:`allowlist_refusals`).

    All or nothing: callers parse before they store, so one bad entry leaves the old list in place.
    Host bits are cleared (``10.0.0.1/8`` -> ``10.0.0.0/8``), single hosts are shown as bare addresses,
    IPv4-mapped IPv6 as IPv4, duplicates dropped keeping the first. Parsing a normalised list gives it back.
    """
    refused = together(allowlist_refusals(value))
    if refused is not None:
        raise refused
    assert isinstance(value, list)  # anything else was refused
    normalised = {network_text(parse_network(entry)): None for entry in value}
    return list(normalised)


def allowlist_refusals(value: object) -> list[SlsError]:
    """What is wrong with an allowlist: the list itself (no list, too long), or each bad entry with its
    ``index`` (at most :data:`~sls_server.errors.MAX_PROBLEMS` of them), so a list with several typos is
    fixed in one round."""
    if not isinstance(value, list):
        return [InvalidRequest(f"{FIELD} must be a list of IP addresses or CIDR ranges", field=FIELD)]
    if len(value) > MAX_ENTRIES:
        return [
            InvalidRequest(
                f"{FIELD} may hold at most {MAX_ENTRIES} entries, got {len(value)}",
                field=FIELD,
                max_entries=MAX_ENTRIES,
            )
        ]
    found: list[SlsError] = []
    for index, entry in enumerate(value):
        if not isinstance(entry, str):
            found.append(_bad_entry("must be a string", index, entry))
        elif not entry.strip() or len(entry) > MAX_ENTRY_CHARS or not _is_network(entry):
            found.append(_bad_entry("is not an IP address or CIDR range", index, entry))
        if len(found) == MAX_PROBLEMS:
            break
    return found


def parse_addresses(entries: list[str], *, field: str) -> list[str]:
    """Single addresses (a user's known places, an attacker's), each as the server writes one
    (``ipnets.normalise_ip``), sorted and once each; 400 naming ``field`` and the first entry that is none."""
    found = []
    for index, entry in enumerate(entries):
        try:
            found.append(normalise_ip(entry))
        except ValueError:
            raise InvalidRequest(
                f"{field} entry {index} is not an IP address", field=field, index=index
            ) from None
    return sorted(set(found))


def _is_network(entry: str) -> bool:
    try:
        parse_network(entry)
    except ValueError:
        return False
    return True


def canonical_account_id(account_id: object) -> str:
    if not isinstance(account_id, str) or not ACCOUNT_ID_RE.fullmatch(account_id):
        raise InvalidRequest(
            "account_id must be 1-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="account_id",
        )
    return account_id


def parse_usernames(value: object, *, field: str = "users") -> list[str]:
    """Canonical usernames, duplicates dropped; 400 naming ``field`` for anything else (every bad name:
    :func:`username_refusals`)."""
    refused = together(username_refusals(value, field=field))
    if refused is not None:
        raise refused
    assert isinstance(value, list)  # anything else was refused
    return list({canonical_username(item): None for item in value})


def username_refusals(value: object, *, field: str = "users") -> list[SlsError]:
    """What is wrong with a list of usernames: the list itself, or each bad name with its ``index``."""
    if not isinstance(value, list) or len(value) > MAX_ACCOUNT_USERS:
        return [
            InvalidRequest(f"{field} must be a list of at most {MAX_ACCOUNT_USERS} usernames", field=field)
        ]
    found: list[SlsError] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            found.append(InvalidRequest(f"{field}[{index}] must be a string", field=field, index=index))
            continue
        try:
            canonical_username(item)
        except InvalidRequest:
            found.append(
                InvalidRequest(f"{field}[{index}] is not a valid username", field=field, index=index)
            )
        if len(found) == MAX_PROBLEMS:
            break
    return found

"""How ``sls events`` reads and says the trail: an event's ``detail`` in words for its table (``purpose notice
· to +1•••••••0101``, as the console's feed says it, where the table printed the raw JSON,
``{"notes":[],"purpose":"notice",...}``; ``--json`` keeps the raw object for a program), and ``--last``,
the latest events, which ``GET /admin/v1/events`` (oldest first only) gives at the end of its pages."""

from __future__ import annotations

from collections import deque
from typing import Any

from ..web.wording import duration
from .admin_client import AdminClient
from .admin_commands import server_errors

#: The largest page ``GET /admin/v1/events`` gives (its ``limit``): how ``--last`` reads the trail.
EVENTS_PAGE = 1000


def detail_words(detail: dict[str, Any] | None) -> str | None:
    """``key value · key value``, each key's underscores as spaces: a ``_s`` number as a wait (``wait 1
    min``; ``offset_s`` signed), a list joined (left out when empty), ``true`` as the key alone (``new
    place``), ``false``, null and nested objects left out (nothing a reader needs in one line)."""
    if not detail:
        return None
    said = [words for key, value in detail.items() if (words := _one(key, value))]
    return " · ".join(said) or None


def _one(key: str, value: Any) -> str | None:
    name = key.removesuffix("_s").replace("_", " ")
    if key.endswith("_s") and isinstance(value, int | float) and not isinstance(value, bool):
        if key == "offset_s":
            return f"{name} {'-' if value < 0 else '+'}{duration(abs(value))}"
        return f"{name} {duration(value)}"
    if isinstance(value, list):
        return f"{name} {', '.join(str(v).replace('_', ' ') for v in value)}" if value else None
    if value is True:
        return name
    if value is False or value is None or isinstance(value, dict):
        return None
    return f"{name} {value}"


def latest(client: AdminClient, query: dict[str, str], last: int) -> dict[str, Any]:
    """The latest ``last`` events matching ``query`` and the cursor past the trail's end, in the route's
    shape: the trail read a full page at a time from its start, only the last ``last`` kept."""
    kept: deque[dict[str, Any]] = deque(maxlen=last)
    cursor: str | None = None
    while True:
        page_query = {**query, "limit": str(EVENTS_PAGE), **({"since": cursor} if cursor else {})}
        with server_errors():
            page = client.request("GET", "/admin/v1/events", query=page_query)
        found = page.get("events") or []
        kept.extend(found)
        cursor = page.get("cursor") or cursor
        if len(found) < EVENTS_PAGE:
            return {"events": list(kept), "cursor": cursor}

"""How ``sls events`` reads and says the trail: each event on a line as the console's feed says it (its
sentence from ``web/event_words``, coloured by its tone from ``web/event_tones``, with the tone's word, for
colour is never the only signal, and its dotted type, dim, after it), where the listing printed a table of
raw fields; a type the table does not know says its fields, its ``detail`` in words (``purpose notice · to
+1•••••••0101``). ``--json`` keeps the events as the server sent them, for a program. And ``--last``, the
latest events, which ``GET /admin/v1/events`` (oldest first only) gives at the end of its pages."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from rich.console import Group
from rich.text import Text

from ..web.event_tones import worded
from ..web.wording import duration
from .admin_client import AdminClient, ApiError
from .output import print_renderable
from .server_errors import server_errors

#: The largest page ``GET /admin/v1/events`` gives (its ``limit``): how ``--last`` reads the trail.
EVENTS_PAGE = 1000


#: Each tone's colour on a terminal (as the console's: blue a defence, red a breach, amber an attempt or a
#: warning, green good news; a neutral event plain).
TONE_STYLES = {
    "defence": "bold blue",
    "breach": "bold red",
    "attempt": "yellow",
    "warn": "yellow",
    "good": "green",
}

FIELDS = ("user", "ip", "factor", "device_id", "result")


def event_text(event: dict[str, Any], attackers: Collection[str] = ()) -> Text:
    """One event on one line: its time (UTC), its tone's word, its sentence (both in the tone's colour),
    then its dotted type, dim: the name the API and the scenarios match on. A type the sentences do not know
    gives its type and its fields instead. From one of ``attackers`` (:func:`attacker_addresses`), it is
    said as the attacker's doing, as the feed says it ("from 198.51.100.66 (attacker)")."""
    told = worded(event, attackers)
    at = event.get("at")
    moment = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M:%S") if isinstance(at, int) else "-"
    style = TONE_STYLES.get(told["tone"], "")
    line = Text.assemble((moment, "dim"), "  ")
    if told["label"]:
        line.append(f"{told['label']}: ", style=style)
    if told["said"] is None:
        fields = [f"{key}={_field(event, key, attackers)}" for key in FIELDS if event.get(key)]
        said = "  ".join(
            [str(event.get("type", "?")), *fields, *filter(None, [detail_words(event.get("detail"))])]
        )
        return line.append(said, style=style)
    line.append(told["said"], style=style)
    return line.append(f"  {event.get('type')}", style="dim")


def _field(event: dict[str, Any], key: str, attackers: Collection[str]) -> str:
    value = str(event[key])
    return f"{value} (attacker)" if key == "ip" and value in attackers else value


def print_events(title: str, found: list[dict[str, Any]], attackers: Collection[str] = ()) -> None:
    """A page of the trail, one event a line as the console's feed says it (``event_reading.event_text``)."""
    print_renderable(Group(Text(title, style="bold italic"), *(event_text(e, attackers) for e in found)))


def attacker_addresses(client: AdminClient) -> frozenset[str]:
    """The addresses the console's feed names the attacker's (``GET /admin/v1/attackers``: the server's
    ``sim.attacks.attacker_addresses``, the feed's own source), so ``sls events`` tags them as it does; a
    server without that route (an older one) names none."""
    try:
        answer = client.request("GET", "/admin/v1/attackers")
    except ApiError as exc:
        if exc.status != 404:
            raise
        return frozenset()
    return frozenset(str(a) for a in answer.get("addresses") or ())


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

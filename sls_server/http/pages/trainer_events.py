"""``/trainer/events/filter``: the audit trail read with a filter, beside the live feed (``feed``), for the
trainer looking back at what one user did or where one kind of event happened.

The form's fields are ``GET /admin/v1/events``'s query (``user``, ``type``, ``since``, ``limit``),
validated with its shape (:class:`~sls_server.shapes.events.ConsoleEventsQuery`: the admin route's, but a
type in part is read, finding nothing, where the API refuses a type it does not know) and read by its own
function (:func:`..admin.control.events_page`), so the console filters, refuses and pages as the admin API
and ``sls events`` do, and offers the types a part begins (:func:`types_like`), or else the type a typo
most likely meant (``event_types.nearest``, the one the admin route's refusal names). A POST with the page's
CSRF token behind the trainer's sign-in, like every console action (:func:`.trainer.action`): the answer
is the admin route's page, events and cursor, each event with the sentence, tone and label the live feed
sends (:func:`sls_server.web.event_tones.worded`: one wording for both), a staged attack's address named
the attacker's.
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ...event_types import EVENT_TYPES, nearest
from ...shapes.events import ConsoleEventsQuery
from ...sim.attacks import attacker_addresses
from ...web.event_tones import worded
from ...web.event_words import WORDS
from ..admin.control import events_page
from ..common import core
from . import bp
from .kit import answers_json, shaped
from .trainer import action

FIELDS = ("user", "type", "since", "limit")
#: How many of the types a part begins the summary names; the rest it counts ("or one of 2 more").
OFFERED = 8


@bp.post("/trainer/events/filter")
@answers_json
def trainer_filter_events() -> ResponseReturnValue:
    def read(body: dict[str, Any]) -> dict[str, Any]:
        # a blank field filters nothing, as an option left out of ``sls events`` does
        given = {k: body[k] for k in FIELDS if body.get(k) not in (None, "")}
        page = events_page(shaped(ConsoleEventsQuery, given))
        attackers = frozenset(attacker_addresses(core()))
        answer = {**page, "events": [worded(e, attackers) for e in page["events"]]}
        answer["attackers"] = sorted(attackers)  # the rows' fields tag by today's list, not the page's load
        like = types_like(str(given.get("type", ""))) if not page["events"] else []
        if like:
            answer["types_like"] = like[:OFFERED]
        if len(like) > OFFERED:  # said, not dropped silently: "login" begins more types than a line holds
            answer["types_like_more"] = len(like) - OFFERED
        typed = str(given.get("type", ""))
        near = nearest(typed) if typed and not like and typed not in EVENT_TYPES else None
        if near:  # a typo within a type (``login.sucess``) begins none: the admin route's guess, one way
            answer["type_nearest"] = near
        return answer

    return action(read)


def types_like(typed: str) -> list[str]:
    """The event types a type the trail matches whole may have meant: a trainer who types ``login`` (or
    ``push``) finds nothing, as ``sls events --type login`` does, and a bare "0 events" reads as if nothing
    had happened. The known types it begins (``login.succeeded``, ...), from the feed's table, for the
    console to offer; none for a whole type or a blank field. A part with its dot (``session.e``) narrows
    them to those it begins."""
    if not typed or typed in WORDS:
        return []
    stem = typed.lower() if "." in typed.rstrip(".") else typed.lower().rstrip(".") + "."
    return sorted(t for t in WORDS if t.startswith(stem))

"""Why a step that sent the actor's session was refused with a 401, in words a scenario's author can act on.

The runner knows two causes itself: the actor never finished a login, or a ``logout`` step ended it. Every
other cause only the server knows, and it says so twice: in the 401's code (``session_expired`` with its
``ended_by``, ``session_revoked``, ``session_replaced``) and in the audit event that ended that very session
(``session.killed`` with ``detail.ended_by``, ``session.expired_idle``...), found by the session's public id
(``<user>~<sha256 of the token>``, of which events show the first hex digits). A bare ``401 session_revoked``
left the author to guess which step, or which setting, had ended it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..transport import Response
from ..world import Actor, StepFailed, World

#: What ended the session, by the event that recorded it (``session.killed`` by its ``detail.ended_by``).
ENDED_BY_EVENT = {
    "session.expired_idle": "no activity for the idle timeout, SLS_IDLE_TIMEOUT (a `tickle` or any session "
    "call sooner keeps it alive)",
    "session.expired_absolute": "its absolute lifetime, SLS_ABSOLUTE_TIMEOUT, ran out (activity does not "
    "extend it)",
    "session.replaced": "a newer login of the same user replaced it",
    "session.rotated": "a step-up gave it a new token",
    "session.ended_by_user": "its user ended it from another of their sessions",
    "session.logout": "a logout with its token ended it (an `http` step's, or a `parallel` branch's)",
    "ip.rejected": "it was used from an address the account may not use",
    # gateway mode: the session the gateway held (its page's login made it the gateway's), ended with it
    "session.sso_expired": "gateway mode: the gateway's SSO session was expired (`POST "
    "/admin/v1/gateway/expire`, `sls gateway-state expire`, the console's Expire SSO session), and the "
    "session the gateway held with it",
    "session.daily_reset": "gateway mode: the gateway's daily reset (SLS_GATEWAY_DAILY_RESET, or `PUT "
    "/admin/v1/gateway/daily-reset`) came round on the server's clock and ended the session the gateway "
    "held",
    "session.gateway_restarted": "gateway mode: the gateway was started again (`sls gateway`, IBeam's "
    "restart) while no other process of it held its lease, which logs it out, and the session it held ended",
    "session.replaced_by_gateway_login": "gateway mode: a newer login through the gateway's page "
    "(`/sso/Login`) made its session the gateway's, ending the one the gateway held",
}
#: A ``session.logout`` the gateway's REST logout wrote (``gateway.session_ended`` with ``result: logout``
#: just before it, at the same instant: ``GatewayService._closed``), apart from one with the session's token.
GATEWAY_LOGOUT = (
    "gateway mode: the gateway's REST logout (`POST /v1/api/logout`, as IBeam sends it) ended the session "
    "the gateway held"
)
KILLED_BY = {
    "admin": "an administrator ended it",
    "password_reset": "the password was reset",
    "password_recovery": "the password was reset through recovery (Forgot your password?)",
    "user_disabled": "the user was disabled",
    "user_deleted": "the user was deleted",
}
#: The 401's own word, when no event names the session (the trail could not be read): the code and its cause.
ENDED_BY_CODE = {
    ("session_expired", "idle"): ENDED_BY_EVENT["session.expired_idle"],
    ("session_expired", "lifetime"): ENDED_BY_EVENT["session.expired_absolute"],
    ("session_replaced", None): "a newer login of the same user (or a step-up) replaced it",
    ("session_revoked", None): "the server ended it",
}


#: The 401 codes of a session that is not live; any other 401 is the route's own, and costs no trail read.
ENDED_CODES = ("session_expired", "session_revoked", "session_replaced", "not_authenticated")


def sessionless_note(world: World, actor: Actor, answer: Response) -> str:
    """Why ``answer``, to a step that sent ``actor``'s session, is a 401: ``""`` for any other answer."""
    if answer.status != 401:
        return ""
    if actor.logged_out:
        return f"{actor.name} has no session: it logged out, which ended it"
    if actor.session is None:
        return f"{actor.name} has no session: it never finished a login (`login`, then `verify`)"
    if answer.error not in ENDED_CODES:  # a 401 of the route's own (a wrong current password): no ending
        return ""
    why = _by_event(world, actor) or _by_code(answer)
    return f"{actor.name}'s session ended {why}" if why else ""


def _by_event(world: World, actor: Actor) -> str:
    """The event that ended this very session, in words with its type (what `expect.events` can name)."""
    if not actor.session_user or not actor.session:
        return ""
    digest = hashlib.sha256(actor.session.encode()).hexdigest()
    try:
        events = world.events(user=actor.session_user)
    except StepFailed:  # the note is a help, never the step's failure
        return ""
    for at in range(len(events) - 1, -1, -1):
        event = events[at]
        kind = str(event.get("type"))
        detail: dict[str, Any] = event.get("detail") or {}
        if kind == "session.rotated" and _names(digest, detail.get("session_id")):
            return ""  # the step-up that gave this token: its start, so nothing older ended it
        # a step-up's event names the token it retired apart from the one it gave
        if not _names(
            digest, detail.get("retired_session_id" if kind == "session.rotated" else "session_id")
        ):
            continue
        if kind == "session.killed":
            by = str(detail.get("ended_by") or "")
            return f"({kind}, ended_by {by}): {KILLED_BY.get(by, 'the server ended it')}"
        if kind == "session.logout" and _the_gateways_logout(events[at - 1] if at else {}, event):
            return f"({kind}): {GATEWAY_LOGOUT}"
        if kind in ENDED_BY_EVENT:
            return f"({kind}): {ENDED_BY_EVENT[kind]}"
    return ""


def _the_gateways_logout(before: dict[str, Any], logout: dict[str, Any]) -> bool:
    """Whether ``logout`` (a ``session.logout``) is the gateway's REST logout: the gateway's own ending, the
    event just before it of the same user, came at the same instant. The session event names the session,
    the gateway's does not (nothing of a session id in the 401 every REST caller reads)."""
    return (
        before.get("type") == "gateway.session_ended"
        and before.get("result") == "logout"
        and before.get("at") is not None
        and before.get("at") == logout.get("at")
    )


def _names(digest: str, short: object) -> bool:
    """Whether an event's short session id (the first hex digits events show) is the session of ``digest``."""
    return bool(short) and digest.startswith(str(short))


def _by_code(answer: Response) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    cause = body.get("ended_by") if answer.error == "session_expired" else None
    words = ENDED_BY_CODE.get((str(answer.error), cause))
    if words:
        return f"({answer.error}): {words}"
    if answer.error == "not_authenticated":
        return "(no event names its end): the server no longer knows it (a reset, or its end lapsed)"
    return ""

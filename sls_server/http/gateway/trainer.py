"""The trainer console's gateway card (gateway mode only): drop the brokerage session, disconnect the gateway
from the brokerage, stage a competing session, expire the SSO session, in front of the room, and set (or turn
off) the daily reset. Behind the console's sign-in and CSRF token, like its clock and attack buttons
(``pages.trainer``), and on the same core calls and shapes as ``/admin/v1/gateway``."""

from __future__ import annotations

from typing import Any, cast

from flask import jsonify

from ...errors import InvalidRequest
from ...gateway.brokerage import Staged
from ...shapes.gateway import DailyResetRequest
from ...web.wording import GATEWAY_ENDINGS
from ..common import core, now
from ..pages.kit import shaped
from ..pages.trainer import action, json_guard
from .admin import set_daily_reset, state
from .pages import bp

CHANGES = ("drop", "disconnect", "compete", "expire")


@bp.app_context_processor
def gateway_mode() -> dict[str, Any]:
    """Tells every template (the trainer console's) that gateway mode is on: this blueprint is registered
    only then; and how to read the daily reset and the gateway's state (``/admin/v1/gateway``'s document,
    which the card's script says in words as it loads), which only the console's gateway card calls."""
    return {
        "gateway_mode": True,
        "gateway_daily_reset": lambda: core().gateway.daily_reset(),
        "gateway_state": lambda: state(core().gateway.peek(now=now())),
        "gateway_endings": GATEWAY_ENDINGS,
    }


@bp.get("/trainer/gateway")
def trainer_gateway_state() -> Any:
    """``GET /admin/v1/gateway``'s document for the console's card, which reads it again when a lease it
    counts down runs out (a live process renewed it meanwhile; a dead one's is gone). Signed in only; a look,
    as the admin's: no activity, nobody's address judged."""
    refused = json_guard()
    if refused:
        return refused
    return jsonify(state(core().gateway.peek(now=now())))


@bp.post("/trainer/gateway")
def trainer_gateway() -> Any:
    def change(body: dict[str, Any]) -> dict[str, Any]:
        staged = body.get("change")
        if staged not in CHANGES:
            raise InvalidRequest(f"change must be one of {', '.join(CHANGES)}", field="change")
        return state(core().gateway.stage(cast(Staged, staged), now=now()))

    return action(change)


@bp.post("/trainer/gateway/daily-reset")
def trainer_gateway_daily_reset() -> Any:
    """``PUT /admin/v1/gateway/daily-reset``: ``{"at": "HH:MM"}`` sets it, ``{"at": null}`` turns it off
    (the card's two buttons). A blank field is refused rather than read as "off": turning the reset off is
    its own button, never an empty box submitted by mistake."""

    def put(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("at") == "":
            raise InvalidRequest("at is required: HH:MM (UTC), or Turn off for no daily reset", field="at")
        return set_daily_reset(shaped(DailyResetRequest, body))

    return action(put)

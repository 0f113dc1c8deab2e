"""The trainer console's gateway card (gateway mode only): drop the brokerage session, stage a competing
session, expire the SSO session, in front of the room. Behind the console's sign-in and CSRF token, like its
clock and attack buttons (``pages.trainer``), and on the same core calls as ``/admin/v1/gateway``."""

from __future__ import annotations

from typing import Any, cast

from ...errors import InvalidRequest
from ...gateway.session import Staged
from ..common import core, now
from ..pages.trainer import action
from .admin import state
from .pages import bp

CHANGES = ("drop", "compete", "expire")


@bp.app_context_processor
def gateway_mode() -> dict[str, Any]:
    """Tells every template (the trainer console's) that gateway mode is on: this blueprint is registered
    only then."""
    return {"gateway_mode": True}


@bp.post("/trainer/gateway")
def trainer_gateway() -> Any:
    def change(body: dict[str, Any]) -> dict[str, Any]:
        staged = body.get("change")
        if staged not in CHANGES:
            raise InvalidRequest(f"change must be one of {', '.join(CHANGES)}", field="change")
        return state(core().gateway.stage(cast(Staged, staged), now=now()))

    return action(change)

"""``/trainer/ip-throttle``: the per-address login limit on the trainer console, beside the users' locks.

A trainer's own address (or the room's) fills it during negative tests, and then every login from there is
refused, a right password too; the users table's lock column cannot show it, for it is no user's. The card
reads it for an address and lifts it: the twins of ``GET /admin/v1/ip-throttle`` and ``POST
/admin/v1/ip-throttle/lift``, with their shape (a bad address is the same 400 naming ``ip``) and the same
core (``auth.address_limits``, whose lift records ``ip.throttle_lifted``). POSTs with the page's CSRF token,
as every console action (:func:`.trainer.action`).
"""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ...shapes.lockout import IpThrottleLift
from ..common import core, now
from . import bp
from .kit import answers_json, shaped
from .trainer import action


@bp.post("/trainer/ip-throttle")
@answers_json
def trainer_ip_throttle() -> ResponseReturnValue:
    def read(body: dict[str, Any]) -> dict[str, Any]:
        return core().address_limits.state(shaped(IpThrottleLift, body).ip, now=now())

    return action(read)


@bp.post("/trainer/ip-throttle/lift")
@answers_json
def trainer_lift_ip_throttle() -> ResponseReturnValue:
    def lift(body: dict[str, Any]) -> dict[str, Any]:
        return core().address_limits.lift(shaped(IpThrottleLift, body).ip, now=now())

    return action(lift)

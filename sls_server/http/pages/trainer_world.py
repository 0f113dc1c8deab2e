"""The console's ways back between two runs of a demo: "Back to the demo world" (the world ``sls demo``
seeded and kept, put back: ``transfer.demo_world``) beside Reset, and a swapped SIM given back from the
users table. Each calls the core service its admin or simulator twin calls, through ``trainer.action``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask.typing import ResponseReturnValue

from ...errors import InvalidRequest
from ...transfer.demo_world import DemoWorld
from ..common import core, now
from . import bp
from .kit import answers_json
from .trainer import action


@bp.post("/trainer/demo-world/restore")
@answers_json
def trainer_restore_demo_world() -> ResponseReturnValue:
    """``POST /admin/v1/state/demo/restore``: the world wiped, the demo's put back. The console asks
    first; its feed drops what it showed before (the trail went with the world)."""
    return action(lambda _: {"imported": DemoWorld.of(core()).restore(), "replaced": True})


@bp.post("/trainer/users/<username>/sim-back")
@answers_json
def trainer_give_sim_back(username: str) -> ResponseReturnValue:
    """``PUT /sim/v1/phones/<number>/conditions`` with ``sim_swapped_to: null`` (``sls phone conditions
    NUMBER --restore-sim``): the user's SIM back in their own phone, the number's other conditions kept. A
    staged SIM swap is left in place for the next demo's texts to reach the attacker; this ends it."""

    def give_back(_: dict[str, Any]) -> dict[str, Any]:
        number = core().users.get(username).phone
        if not number:
            raise InvalidRequest("this user has no phone number", field="number")
        phones = core().phones
        back = replace(phones.conditions(number), sim_swapped_to=None)
        phones.set_conditions(number, back, now=now(), user=username)  # "alice's phone: back to normal"
        return {"username": username, "sim_swapped": False}

    return action(give_back)

"""``/trainer/attacks/relay``: the attacker's screen of the last phishing relay (and of the few before it),
for the room to watch beside the victim's phone. Behind the console's sign-in, as every page of it.

What the attacker saw is the sim core's (:func:`sls_server.sim.relay_screen.read_screen`); this only draws
it. The page follows the console's live feed (``/trainer/events``): an event of the relay's victim or from
the attacker's addresses has it read ``/trainer/attacks/relay/screen`` again (the screen, drawn), once, so
a relay staged from anywhere (the console, ``sls attack``) and the victim's pick on her phone show as they
happen, with no loop of its own. ``GET /admin/v1/attacks/relay-screen`` and ``sls attack-screen`` say the
same.
"""

from __future__ import annotations

import time

from flask.typing import ResponseReturnValue

from ...sim.attack_report import hhmm
from ...sim.attacks import attacker_addresses
from ...sim.relay_screen import SIDES, read_screen
from ..common import core, now
from . import bp
from .access import TRAINER
from .kit import page
from .trainer import json_guard, sign_in_page


@bp.get("/trainer/attacks/relay")
def trainer_relay_page() -> ResponseReturnValue:
    if not TRAINER.is_open():
        return sign_in_page()
    return page(
        "trainer_relay.html",
        screen=read_screen(core(), now=now()),
        sides=SIDES,
        hhmm=hhmm,
        attacker_ips=" ".join(attacker_addresses(core())),
        drawn_ms=int(time.time() * 1000),  # the feed's backlog (ids up to now) asks for nothing
        idle_warning=TRAINER.idle_warning("/trainer/users"),
        section="trainer",
    )


@bp.get("/trainer/attacks/relay/screen")
def trainer_relay_screen() -> ResponseReturnValue:
    """The screen alone, which the page draws anew when the feed says something happened."""
    refused = json_guard()
    if refused:
        return refused
    return page("_relay_screen.html", screen=read_screen(core(), now=now()), sides=SIDES, hhmm=hhmm)

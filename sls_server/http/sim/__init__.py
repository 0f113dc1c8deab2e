"""``/sim/v1``: what a person does with the authenticators they hold. No admin token: possession is all,
unless ``SLS_SIM_TOKEN`` asks for a token of its own (the trainer's, in a demo the audience attacks).

Holds the blueprint, its guard and its surface (``http.operations``); the routes live in ``card`` (the DSC+
card), ``phones`` (SMS inbox, call log, carrier conditions) and ``ibkey`` (the IBKR Mobile app).
"""

from __future__ import annotations

from flask import Blueprint

from ...auth.console_access import SIM_DOOR
from ...auth.errors import TokenGuessesLimited
from ..accesslog import route_pattern
from ..common import bearer_opens, core, this_request
from ..crosssite import SAFE_METHODS, from_own_origin
from ..errors import SimCrossSite, SimTokenRequired, SimulatorDisabled
from ..operations import surface

bp = Blueprint("sim", __name__, url_prefix="/sim/v1")


def simulators_enabled() -> None:
    """Switched off: 403 for everyone. ``SLS_SIM_TOKEN`` set: only its holder (the trainer) may play; a
    wrong token is counted against the address as a wrong admin token is (``auth.token_guesses``) and
    recorded as ``sim_api.token_refused`` with the route's pattern (not ``sim.sign_in_failed``: nobody tried
    the simulator pages' sign-in). A state change a browser marks as another site's (``Sec-Fetch-Site``,
    else ``Origin``: ``crosssite.from_own_origin``) is 403 ``cross_site_request``, token or not: without the
    sim token a page of any site could otherwise make the trainer's browser post here (a plain form needs
    no preflight: it restarted the phone). The CLI and scripts send neither header and pass."""
    settings = core().settings
    if not settings.sim_enabled:
        raise SimulatorDisabled()
    if this_request().method not in SAFE_METHODS and not from_own_origin():
        raise SimCrossSite()
    if settings.sim_token is not None and not bearer_opens(SIM_DOOR, route_pattern()):
        raise SimTokenRequired()


def sim_surface(blueprint: Blueprint) -> None:
    """Declare ``blueprint`` part of ``/sim/v1``: its surface (tag, security, the errors every route may
    answer) and its guard, alike for this blueprint and the one a mode adds (the gateway's outbox), so a
    route under ``/sim/v1`` cannot be documented or guarded otherwise than the rest."""
    surface(
        blueprint,
        tag="sim",
        description="The simulated authenticators a person holds.",
        security="sim",
        errors=(SimulatorDisabled, SimCrossSite, SimTokenRequired, TokenGuessesLimited),
    )
    blueprint.before_request(simulators_enabled)


sim_surface(bp)

from . import authenticator, card, ibkey, phones  # noqa: E402  - each adds its routes to bp

__all__ = ["authenticator", "bp", "card", "ibkey", "phones"]

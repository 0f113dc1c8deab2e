"""The HTML pages: the login portal and its account page (``portal``, with ``portal_step`` the login's
second-factor step, ``portal_push`` the push wait's poll, ``recover`` a forgotten password and
``recover_hold`` its tab's hold kept; ``account``, ``stepup``
with ``account_tasks`` the tasks it verifies, ``phone_confirm`` a new number's code, ``password_form`` a
new password and ``ip_form`` IP Restrictions, ``step_ends`` the refusals that end a step of either,
``outcome``, which their forms' POSTs redirect through, and ``said``, which seals what those redirects'
addresses say was done), the simulated card and phone (``simulators``, ``sim_actions``), the trainer
console (``trainer``, ``trainer_admin``, ``trainer_accounts``, ``trainer_sessions``, ``trainer_events``,
``trainer_limits``, ``feed``; ``trainer_relay``, the attacker's screen of a phishing relay) and the API
reference (``docs``). Server-rendered from ``sls_server/web/templates``, with static files from
``sls_server/web/static`` served here (no CDN, no build step).

Views call the same core services as the JSON API (no second login implementation) and, like every view,
never the store. The JSON error handler still answers for URLs outside these pages.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

WEB = Path(__file__).resolve().parents[2] / "web"

bp = Blueprint(
    "pages",
    __name__,
    template_folder=str(WEB / "templates"),
    static_folder=str(WEB / "static"),
    static_url_path="/assets",
)

from . import (  # noqa: E402
    account,
    docs,
    feed,
    ip_form,
    outcome,
    password_form,
    phone_confirm,
    portal,
    portal_push,
    portal_step,
    recover,
    recover_hold,
    sim_actions,
    simulators,
    stepup,
    trainer,
    trainer_accounts,
    trainer_admin,
    trainer_events,
    trainer_limits,
    trainer_relay,
    trainer_sessions,
    trainer_world,
)

__all__ = [
    "account",
    "bp",
    "docs",
    "feed",
    "ip_form",
    "outcome",
    "password_form",
    "phone_confirm",
    "portal",
    "portal_push",
    "portal_step",
    "recover",
    "recover_hold",
    "sim_actions",
    "simulators",
    "stepup",
    "trainer",
    "trainer_accounts",
    "trainer_admin",
    "trainer_events",
    "trainer_limits",
    "trainer_relay",
    "trainer_sessions",
    "trainer_world",
]

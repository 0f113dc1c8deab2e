"""sls-emulator's server: a real login service around simulated authenticators.

The broker's side: ``auth`` (login, second factor, step-up, sessions, lockout), ``accounts`` (users,
passwords, devices, IP rules), ``factors`` (one module per authenticator type). The user's side: ``sim``
(the card, the IB Key app, phones). Beneath both: ``store`` (Redis), ``events``, ``clock``, ``config``,
``errors``, and ``shapes`` (the HTTP contract's bodies and answers, declared once with pydantic); above them:
``http`` (the three surfaces) and ``cli`` (``sls``). ``wiring`` builds the core once
per app; ``app.create_app`` is the only entry point. Imports only go down; ``tests/unit/test_layout.py``
holds each package to its rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> Flask:
    """Imported lazily so ``import sls_server`` stays cheap for the CLI and the device tools."""
    from .app import create_app as factory

    return factory(config)


__all__ = ["create_app"]

"""sls-emulator's server: a real login service around simulated authenticators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> Flask:
    """Imported lazily so ``import sls_server`` stays cheap for the CLI and the device tools."""
    from .app import create_app as factory

    return factory(config)


__all__ = ["create_app"]

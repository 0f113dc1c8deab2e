"""Placeholder replaced by the generated spec module."""

from __future__ import annotations

from typing import Any


def build_spec() -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "sls-emulator", "version": "0.1.0"}, "paths": {}}

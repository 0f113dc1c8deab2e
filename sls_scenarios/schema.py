"""The scenario format's JSON Schema (``scenario.schema.json``, shipped in the package) and what it declares.

The schema is the single definition of the format: the loader checks files with it (``schema_check``),
``sls scenario validate`` reports what it finds, the step reference is generated from it, and editors can use
it too. What a schema cannot say (an actor or device that was never defined, a variable used before it is
set) ``checks`` adds.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "scenario.schema.json"


@functools.cache
def schema() -> dict[str, Any]:
    text = (resources.files("sls_scenarios") / SCHEMA_FILE).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def step_types() -> list[str]:
    """Every step type, in the schema's order (its reference order)."""
    return [name[len("step_") :] for name in schema()["$defs"] if name.startswith("step_")]


def secret_setting(name: str) -> bool:
    """Whether a ``setup.settings`` value is a secret (a token, ``writeOnly`` in the schema): never shown in a
    message or a report."""
    declared = schema()["properties"]["setup"]["properties"]["settings"]["properties"].get(name, {})
    return bool(declared.get("writeOnly"))


def common_keys() -> list[str]:
    return list(schema()["$defs"]["common"]["properties"])


def factor_types() -> list[str]:
    """The authenticator types (``dscplus``, ``sms``...): what a device is, and an event's ``factor``."""
    devices = schema()["properties"]["setup"]["properties"]["devices"]["items"]["properties"]
    return list(devices["type"]["enum"])

"""The step reference (``sls_scenarios/REFERENCE.md``), generated from the JSON Schema so it cannot drift.

``sls scenario reference`` prints it; a test fails when the committed file differs from what the schema
generates (regenerate with ``sls scenario reference > sls_scenarios/REFERENCE.md``).
"""

from __future__ import annotations

from typing import Any

import yaml

from sls_server.event_types import EVENT_TYPES

from .error_codes import ERROR_CODES
from .schema import schema, step_types

FAMILIES = {
    "login": "The login page and the session",
    "devices": "The card and the IB Key app",
    "phones": "Phones and the carrier",
    "world": "The clock, raw calls, the broker's acts",
    "flow": "Loops, races, checks and narration",
}


def _shape(sub: dict[str, Any]) -> str:
    defs = schema()["$defs"]
    if sub.get("$ref") == "#/$defs/steps":
        return "list of steps"
    if sub.get("type") == "array" and sub.get("items", {}).get("$ref") == "#/$defs/steps":
        return "list of lists of steps"
    if sub.get("$ref") in ("#/$defs/matcher", "#/$defs/expected"):  # the paragraph below the table says
        return "matcher" if sub["$ref"].endswith("matcher") else "literal or matcher"
    if "$ref" in sub:
        return f"see *{sub['$ref'].rsplit('/', 1)[-1]}*"
    if "anyOf" in sub:
        return " or ".join(_shape(option) for option in sub["anyOf"])
    if "enum" in sub:
        return " \\| ".join(f"`{v}`" for v in sub["enum"])
    if "oneOf" in sub:
        return " or ".join(
            _shape(o if "$ref" not in o else defs[o["$ref"].rsplit("/", 1)[-1]]) for o in sub["oneOf"]
        )
    kind = sub.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    return str({"object": "mapping", "array": "list", "null": "nothing"}.get(kind, kind))


def _value(body: dict[str, Any]) -> list[str]:
    """What a step's value may be; each alternative with what it means, when the schema says."""
    options = body.get("oneOf") or []
    if not any(option.get("description") for option in options):
        return [f"Value: {_shape(body)}.", ""]
    shown = []
    for option in options:
        meaning = option.get("description") or ("its keys below" if "properties" in option else "")
        shown.append(f"- {_shape(option)}" + (f": {meaning}" if meaning else ""))
    return ["Value, one of:", "", *shown, ""]


def _in_place(sub: dict[str, Any]) -> dict[str, Any]:
    """A key declared once in ``$defs`` for several mappings (the iPhone's ``passcode`` of the setup and of
    ``enroll``) is shown as what it is, like a key declared in place; a structure stays a reference."""
    ref = sub.get("$ref", "")
    target = schema()["$defs"].get(ref.rsplit("/", 1)[-1]) if ref.startswith("#/$defs/") else None
    if target is None or target.get("type") not in ("string", "boolean", "integer"):
        return sub
    return {**target, **{k: v for k, v in sub.items() if k != "$ref"}}


def _properties(body: dict[str, Any]) -> list[str]:
    options = body.get("oneOf", [body])
    rows = []
    for option in options:
        required = set(option.get("required", []))
        for name, declared in (option.get("properties") or {}).items():
            sub = _in_place(declared)
            need = "yes" if name in required else ""
            meaning = sub.get("description", "")
            if sub.get("minLength", 1) > 1 and sub.get("type") == "string":  # what validate refuses, up front
                meaning += f" At least {sub['minLength']} characters."
            rows.append(f"| `{name}` | {_shape(sub)} | {need} | {meaning.strip()} |")
    if not rows:
        return []
    return ["| key | value | required | meaning |", "|---|---|---|---|", *rows, ""]


def _example(example: Any) -> list[str]:
    text = yaml.safe_dump([example], sort_keys=False, default_flow_style=None, width=100).rstrip()
    return ["```yaml", text, "```", ""]


def markdown() -> str:
    doc = schema()
    defs = doc["$defs"]
    events = defs["expectation"]["properties"]["events"]
    lines = [
        "# Scenario step reference",
        "",
        "Generated from `sls_scenarios/scenario.schema.json` by `sls scenario reference`; "
        "do not edit by hand.",
        "",
        "Every step is a mapping with exactly one step type, plus these common keys:",
        "",
        *_properties(defs["common"]),
        "A request step without `expect` must answer 2xx. `expect` holds any of:",
        "",
        *_properties(defs["expectation"]),
        "`events` holds:",
        "",
        *_properties(events),
        "Each event of `happened` or `not_happened`:",
        "",
        *_properties(events["properties"]["happened"]["items"]),
        'A value in `json`, `error` or an event field is a literal (compared exactly: `60` is not `"60"`) or '
        "a matcher, a mapping of operators that must all hold: "
        + ", ".join(f"`{op}`" for op in defs["matcher"]["properties"])
        + " (`regex` must match the whole value: `{regex: '127[.].*'}`, not `'^127'`)"
        + ". Paths are dotted (`factor.challenge`), numbers index lists (`factors.0.type`), `*` maps over a "
        "list (`factors.*.type`). `${name.path}` fills in a variable.",
        "",
        "## Top level and `setup`",
        "",
        *_properties({"properties": doc["properties"], "required": doc["required"]}),
        "`actors` maps a name to:",
        "",
        *_properties(doc["properties"]["actors"]["additionalProperties"]),
        "`setup` holds:",
        "",
        *_properties(doc["properties"]["setup"]),
    ]
    setup = doc["properties"]["setup"]["properties"]
    for part in ("users", "accounts", "devices"):
        lines += [f"Each of `setup.{part}`:", "", *_properties(setup[part]["items"])]
    for family, title in FAMILIES.items():
        lines += [f"## {title}", ""]
        for name in step_types():
            step = defs[f"step_{name}"]
            if step.get("x-family") != family:
                continue
            body = step["properties"][name]
            said = "Needs an `expect`" in step["description"]
            needs = " Needs an `expect`." if "expect" in step.get("required", []) and not said else ""
            lines += [f"### `{name}`", "", step["description"] + needs, "", *_value(body)]
            if "$ref" not in body:
                lines += _properties(body)
            for example in step["examples"]:
                lines += _example(example)
    lines += [
        "## Event types",
        "",
        "What `events` may name: every type the server writes to its audit trail.",
        "",
    ]
    families: dict[str, list[str]] = {}
    for kind in sorted(EVENT_TYPES):
        families.setdefault(kind.split(".")[0], []).append(kind)
    lines += [f"- {', '.join(f'`{k}`' for k in kinds)}" for kinds in families.values()]
    lines += [
        "",
        "## Error codes",
        "",
        "What `expect.error` may name: every code the server answers with (`/openapi.json` lists each "
        "operation's).",
        "",
        ", ".join(f"`{code}`" for code in sorted(ERROR_CODES)),
    ]
    return "\n".join(lines).rstrip() + "\n"

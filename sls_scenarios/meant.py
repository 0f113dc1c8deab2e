"""What the writer of a scenario most likely meant, added to a problem the schema found (``schema_check``).

The schema says what it refused; a newcomer also needs what to write instead, for the shapes written by
habit: a step's own key (``expect``) indented into its body, a key of the step's body (a login's
``password``) written beside the step, a word where a step takes a mapping (``read_call: dan``), and a field
of the JSON answer written nested as the answer is (``json: {factor: {type: dscplus}}``), where the format
wants a dotted path (``factor.type``) and reads the inner mapping as a matcher; and a key YAML read as
no text (an unquoted ``+15550100001``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import yaml

from .positions import Positions
from .schema import common_keys, schema, secret_setting
from .spelling import closest
from .values import duration_seconds, parse_instant

#: A duration's units as a mapping's keys (``advance_clock: {minutes: 2}``), and how a duration writes them.
_UNITS = {"second": "s", "minute": "m", "hour": "h", "day": "d"}

#: A step body's keys whose values a problem does not repeat (it is printed, and kept in reports).
SECRET_KEYS = ("password", "passcode")

#: Words a writer uses for an option the format names otherwise (``request_code: call`` is ``voice``): each
#: suggested only where that option is one of those allowed.
_SYNONYMS = {
    "call": "voice",
    "callback": "voice",
    "phone_call": "voice",
    "voice_call": "voice",
    "text": "sms",
    "texts": "sms",
    "message": "sms",
    "sms_code": "sms",
}

#: The keys under which a mapping is read path by path (``factor.type: ...``), not as the answer's shape.
PATHS = ("json", "detail")


def unknown_key(
    path: tuple[Any, ...], key: str, instance: dict[str, Any], positions: Positions, allowed: list[str]
) -> str:
    """What an unknown key most likely is: a step's own key indented into its body; without a close valid
    key (a typo, which the caller names), a body's key written beside its step, or a field of the answer
    written nested."""
    if closest(key, allowed):
        return step_key_inside(path, key, positions)
    if path[-1:] == ("advance_clock",) and _UNITS.get(key.rstrip("s")) and isinstance(instance[key], int):
        return f" (a duration is one value: `advance_clock: {instance[key]}{_UNITS[key.rstrip('s')]}`)"
    return (
        step_key_inside(path, key, positions)
        or body_key_beside(instance, key)
        or dotted_path((*path, key), instance[key])
    )


def unquoted(instance: Any, expected: str) -> str:
    """A whole number written quoted where a number goes (``status: "401"``), ``expected`` saying what goes
    there (``an integer or a list``): YAML keeps a quoted number text."""
    number = isinstance(instance, str) and re.fullmatch(r"-?[0-9]+", instance) is not None
    return (
        f": write it unquoted, {instance}"
        if number and ("integer" in expected or "number" in expected)
        else ""
    )


def synonym(instance: Any, options: list[str]) -> str:
    """Another word for one of ``options`` (``call`` for ``voice``, ``text`` for ``sms``): no spelling is
    close, so ``suggest`` found none."""
    meant = _SYNONYMS.get(instance.strip().lower()) if isinstance(instance, str) else None
    return f" (did you mean {meant!r}?)" if meant in options else ""


def listed(path: tuple[Any, ...], instance: Any) -> str:
    """A list where a mapping goes: of one-key mappings (``phones:`` then ``- "+15550100001": {...}``), the
    mapping they make; of ``setup.phones`` numbers, the mapping form with one of them as its key; of actors'
    names (``actors: [attacker]``), each a key with a documentation address. A
    password or a secret setting is not repeated (a problem is printed, and kept in reports)."""
    if not isinstance(instance, list) or not instance or not path or not isinstance(path[-1], str):
        return ""
    if path == ("actors",) and all(isinstance(i, str) for i in instance):  # `actors: [attacker]`
        actors = {name: {"address": f"203.0.113.{66 + n}"} for n, name in enumerate(instance[:180])}
        return f": each actor a key, as `actors: {_flow(actors)}`"
    pairs = [next(iter(i.items())) for i in instance if isinstance(i, dict) and len(i) == 1]
    phones = path == ("setup", "phones")
    if len(pairs) == len(instance) and len({k for k, _ in pairs}) == len(pairs):
        shown = {k: ("…" if k in SECRET_KEYS or secret_setting(str(k)) else v) for k, v in pairs}
    elif phones and isinstance(instance[0], str | int) and not isinstance(instance[0], bool):
        number = instance[0] if isinstance(instance[0], str) else f"+{instance[0]}"
        shown = {number: {"roaming": True}}
    else:
        return ""
    said = ": each number a key, as" if phones else ": a mapping, not a list:"
    return f"{said} `{path[-1]}: {_flow(shown)}`"


def key_read_as(positions: Positions, path: tuple[Any, ...]) -> str:
    """A key YAML read as no text (``+15550100001:`` is the number 15550100001): as written, to quote."""
    written = positions.written_keys.get(path)
    return f': written {written}, which YAML reads as {path[-1]}: quote it, "{written}"' if written else ""


def step_key_inside(path: tuple[Any, ...], key: str, positions: Positions) -> str:
    """A step's own key (``expect``, ``actor``...) written inside its body, indented under ``login:``
    instead of beside it: say where it goes, not only that the body has no such key."""
    from .execute import COMMON

    in_step = (
        len(path) >= 3 and isinstance(path[-2], int) and (path[-3] == "steps" or isinstance(path[-3], int))
    )
    if not in_step or key not in COMMON or path[-1] in COMMON:
        return ""
    line, column = positions.of(path, key=True)
    return f" (`{key}` is the step's: indent it as far as `{path[-1]}` on line {line}, column {column})"


def body_key_beside(step: Any, key: str) -> str:
    """A key of the step type's body written beside the step (``login: alice`` then ``password: x``): show
    the step with it inside (``login: {user: alice, password: x}``)."""
    if not isinstance(step, dict):
        return ""
    kinds = [k for k in step if f"step_{k}" in schema()["$defs"] and k not in common_keys()]
    if len(kinds) != 1:
        return ""
    kind = kinds[0]
    body = _body(kind)
    if key not in body.get("properties", {}):
        return ""
    value = step[kind]
    short = _short_key(body)
    if isinstance(value, dict):
        inside = {**value, key: step[key]}
    elif short and value is not None and not isinstance(value, list):
        inside = {short: value, key: step[key]}
    else:
        return f" (`{key}` is the {kind}'s: inside `{kind}: {{...}}`)"
    shown = {k: ("…" if k in SECRET_KEYS else v) for k, v in inside.items()}  # a problem goes into CI logs
    return f" (`{key}` is the {kind}'s: `{kind}: {_flow(shown)}`)"


def mapping_for(path: tuple[Any, ...], value: Any) -> str:
    """A word where a step takes a mapping (``card: card``, ``read_sms: alice``): the mapping it likely
    means, keyed by the body's one required key, or by what the word looks like (a number, a user)."""
    kind = path[-1] if len(path) >= 3 and path[0] == "steps" and isinstance(path[-2], int) else None
    if not isinstance(kind, str) or f"step_{kind}" not in schema()["$defs"]:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return ""
    body = _body(kind)
    known = body.get("properties", {})
    key = _short_key(body)
    if key is None and "phone" in known and str(value).startswith("+"):
        key = "phone"
    elif key is None and "user" in known:
        key = "user"
    return f": `{kind}: {_flow({key: value})}`" if key else ""


def quote_it(positions: Positions, path: tuple[Any, ...], instance: Any) -> str:
    """A number where text goes, as written (YAML reads an unquoted ``0123`` as octal, ``+15550100001`` as
    a number): told to be quoted, with what YAML made of it when that differs."""
    written = positions.written.get(path, str(instance))
    if isinstance(instance, date):
        return _quote_date(path, instance, written)
    read = "" if written == str(instance) else f", which YAML reads as {instance!r}"
    return f'{read}: quote it, "{written}"'


def _quote_date(path: tuple[Any, ...], instance: date, written: str) -> str:
    """An unquoted date or time (``setup.clock: 2026-01-05T09:30:00Z``), which YAML reads as one: told in
    words, not as Python's repr of it. Where an instant goes (``setup.clock``, ``advance_clock.to``) and the
    text as written is none the clock takes (no time, no zone), the text that is one, in UTC."""
    timed = isinstance(instance, datetime)
    read = f", which YAML reads as {'a date and time' if timed else 'a date'}"
    if path == ("setup", "clock") or path[-2:] == ("advance_clock", "to"):
        try:
            parse_instant(written)
        except ValueError:
            moment = (
                instance
                if isinstance(instance, datetime)
                else datetime(instance.year, instance.month, instance.day)
            )
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            meant = moment.isoformat().replace("+00:00", "Z")
            lacks = "a zone" if timed else "a time and a zone"
            return f'{read}: an instant needs {lacks}, quote it as "{meant}"'
    return f'{read}: quote it, "{written}"'


def two_step_types(subschema: Any, path: tuple[Any, ...], step: dict[str, Any], positions: Positions) -> str:
    """A step holding two step types, most often two steps whose second lost its ``-``: each step type's
    schema (``subschema``, one of ``$defs.step_*``) refuses the other's key, which read as two "unknown key"
    problems naming each other. Told once, at the step, with the line of each; "" for any other problem."""
    defs = schema()["$defs"]
    if not any(subschema == body for name, body in defs.items() if name.startswith("step_")):
        return ""
    types = [k for k in step if f"step_{k}" in defs and k not in common_keys()]
    if len(types) < 2:
        return ""
    where = ", ".join(f"`{t}` (line {positions.of((*path, t), key=True)[0]})" for t in types)
    said = f"a step has one step type, this one has {len(types)}: {where}"
    return said + "; begin each on a line of its own with `- `"


def as_list(path: tuple[Any, ...], value: Any) -> str:
    """One word where a list goes (``tags: qa``): the list of it."""
    if (
        not path
        or not isinstance(path[-1], str)
        or not isinstance(value, str | int)
        or isinstance(value, bool)
    ):
        return ""
    return f": `{path[-1]}: {_flow([value])}`"


def step_without_colon(path: tuple[Any, ...], value: Any) -> str:
    """A step written as one word or a line without its colon (``- login alice``, ``- tickle``): the step it
    likely is, when the first word is a step type."""
    in_steps = (
        len(path) >= 2 and isinstance(path[-1], int) and (path[-2] == "steps" or isinstance(path[-2], int))
    )
    if not in_steps or not isinstance(value, str) or not value.split():
        return ""
    kind, _, rest = value.strip().partition(" ")
    if f"step_{kind}" not in schema()["$defs"]:
        return ""
    return f" (did you mean `{kind}: {rest.strip() or 'null'}`?)"


def dotted_path(path: tuple[Any, ...], value: Any) -> str:
    """A field of the answer written nested (``json: {factor: {type: dscplus}}``): the mapping under a path
    is a matcher, so its inner keys are refused as operators, or ``type`` read as a JSON type's name."""
    at = max((i for i, part in enumerate(path) if part in PATHS), default=-1)
    if at < 0 or len(path) != at + 3:
        return ""
    parent, key = path[at + 1], path[at + 2]
    written = f"`{parent}.{key}: {_flow(value)}`"
    of = "the answer" if path[at] == "json" else "the event's detail"
    if key == "type":
        return f" (`type` checks the JSON type of `{parent}`; a field of {of} is a dotted path: {written})"
    return f" (a field of {of} is a dotted path: {written})"


def _body(kind: str) -> dict[str, Any]:
    """The mapping form of a step type's body: its properties and which of them are required."""
    declared = schema()["$defs"][f"step_{kind}"]["properties"][kind]
    options = declared.get("oneOf") or declared.get("anyOf") or [declared]
    for option in options:
        if option.get("type") == "object":
            found: dict[str, Any] = option
            return found
    return {}


def _short_key(body: dict[str, Any]) -> str | None:
    """The key a step's one-word form stands for: its body's only required key (``login: alice`` is
    ``{user: alice}``, ``stepup: withdrawal`` ``{purpose: withdrawal}``)."""
    required = body.get("required", [])
    return required[0] if len(required) == 1 else None


def _flow(value: Any) -> str:
    """A value as YAML writes it on one line (``{user: alice, password: x}``)."""
    text = yaml.safe_dump(
        value, default_flow_style=True, sort_keys=False, width=10_000, allow_unicode=True
    ).strip()
    return text.removesuffix("...").strip()


def setting_unit(path: tuple[Any, ...], instance: Any) -> str:
    """A duration written for a setting the server counts in seconds (``SLS_IDLE_TIMEOUT: 5m``, as
    ``advance_clock: 5m`` is written): the number to write, in the server's own words for the unit. The
    schema said only ``expected an integer``, and a QA who had just moved the clock by ``5m`` guessed on."""
    if len(path) != 3 or path[:2] != ("setup", "settings") or not isinstance(instance, str):
        return ""
    from sls_server.config import PARSERS  # the server's own reading: its refusal names the unit

    parse = PARSERS.get(str(path[2]).removeprefix("SLS_").lower())
    try:
        if parse is not None:
            parse(instance)
        return ""
    except ValueError as exc:
        if "seconds" not in str(exc):
            return ""
    try:
        return f" (a whole number of seconds: `{path[2]}: {duration_seconds(instance)}`)"
    except ValueError:
        return " (a whole number of seconds)"

"""Judging a step: its ``expect`` (status, error code, JSON fields, events, counts of statuses), or, when it
has none, the default: a request must have succeeded (2xx).

Every failed check is told as a sentence naming the field, what it was and what was expected, so a red step
in a report says what happened without rerunning anything.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .transport import Response
from .values import MISSING, WHOLE, interpolate, lookup, match
from .world import World

EVENT_FIELDS = ("user", "ip", "factor", "device_id", "result")


def check(
    expectation: dict[str, Any], response: Response | None, world: World, rounds: list[Response] | None = None
) -> list[str]:
    """Why ``expectation`` does not hold (an empty list when it does)."""
    expectation = interpolate(expectation, world.variables)
    problems: list[str] = []
    needs_answer = any(key in expectation for key in ("status", "error", "json", "headers"))
    if needs_answer and response is None:
        return ["there is no answer to check yet"]
    if response is not None:
        problems += _answer(expectation, response)
    if "statuses" in expectation:
        problems += _statuses(expectation["statuses"], rounds or [])
    if "events" in expectation:
        problems += _events(expectation["events"], world)
    unnamed = "status" not in expectation and "error" not in expectation
    if problems and unnamed and response is not None and not 200 <= response.status < 300:
        # the cause, first: a refused request (401 sim_token_required) explains the field it lacks
        problems.insert(
            0, f"answered {response.brief()} ({_message(response)}), which `expect` does not name"
        )
    return problems


def default_problems(response: Response | None) -> list[str]:
    """A step without ``expect`` must have succeeded."""
    if response is None or 200 <= response.status < 300:
        return []
    return [f"answered {response.brief()} ({_message(response)}); add an `expect` if that is the point"]


def _answer(expectation: dict[str, Any], response: Response) -> list[str]:
    problems = []
    wanted = expectation.get("status")
    # the answer expected, or a success: a field missing from it is a wrong path, worth naming what is there
    as_expected = 200 <= response.status < 300
    if wanted is not None:
        allowed = wanted if isinstance(wanted, list) else [wanted]
        as_expected = response.status in allowed
        if not as_expected:
            shown = " or ".join(str(s) for s in allowed)
            problems.append(f"status is {response.brief()}, expected {shown} ({_message(response)})")
    if "error" in expectation:
        actual = response.error
        expected = expectation["error"]
        if expected is None:
            if actual is not None:
                problems.append(f"error is {actual!r}, expected none ({_message(response)})")
        else:
            problem = match(actual if actual is not None else MISSING, expected)
            if problem:
                problems.append(f"error {problem}")
    for path, expected in (expectation.get("json") or {}).items():
        actual = response.body if path == WHOLE else lookup(response.body, path)
        problem = match(actual, expected)
        if problem:
            hint = instead(response.body, path) if actual is MISSING and as_expected else ""
            if actual is MISSING and not isinstance(response.body, dict | list):  # an HTML page, nothing
                kind = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "no content")
                hint = f" (the answer is not JSON: {kind}; `{WHOLE}: ...` checks it whole)"
            problems.append(f"{path} {problem}{hint}")
    problems += _headers(expectation.get("headers") or {}, response)
    return problems


def _headers(wanted: dict[str, Any], response: Response) -> list[str]:
    """Header names in any case (HTTP's rule); a missing one names those the answer has."""
    by_name = {name.lower(): value for name, value in response.headers.items()}
    problems = []
    for name, expected in wanted.items():
        actual = by_name.get(name.lower(), MISSING)
        problem = match(actual, expected)
        if problem:
            names = ", ".join(sorted(response.headers))
            had = f" (the answer's headers: {names})" if actual is MISSING else ""
            problems.append(f"header {name} {problem}{had}")
    return problems


def instead(body: Any, path: str) -> str:
    """Where a path the answer lacks turns off: the keys of the object it reached, the nearest named first.

    ``status is missing`` alone sent the author to rerun with a debugger to find the answer says ``state``.
    Keys only, never values: a value may be a session token.
    """
    node, walked = body, []
    for segment in path.split("."):
        if isinstance(node, Mapping) and segment in node:
            node = node[segment]
        elif (
            isinstance(node, list)
            and segment.lstrip("-").isdigit()
            and -len(node) <= int(segment) < len(node)
        ):
            node = node[int(segment)]
        else:
            break
        walked.append(segment)
    else:
        return ""
    if not isinstance(node, Mapping) or not node:
        return ""
    keys = sorted(str(key) for key in node)
    close = difflib.get_close_matches(segment, keys, n=1, cutoff=0.6)
    guess = f", did you mean {'.'.join([*walked, close[0]])!r}?" if close else ""
    shown = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
    return f"{guess} ({'.'.join(walked) or 'the answer'} has {shown})"


def _statuses(wanted: dict[str, Any], rounds: list[Response]) -> list[str]:
    counts = Counter(str(r.status) for r in rounds)
    problems = []
    for status, expected in wanted.items():
        problem = match(counts.get(status, 0), expected)
        if problem:
            problems.append(
                f"{counts.get(status, 0)} of {len(rounds)} ended with {status}, expected {expected!r}"
            )
    for status, count in sorted(counts.items()):
        if status not in wanted:
            examples = next(r for r in rounds if str(r.status) == status)
            problems.append(
                f"{count} of {len(rounds)} ended with {status} ({examples.brief()}), which "
                "`statuses` does not name"
            )
    return problems


def _events(spec: dict[str, Any], world: World) -> list[str]:
    problems = []
    for wanted in spec.get("happened") or []:
        found = _matching(wanted, world)
        expected = wanted.get("count", {"ge": 1})
        problem = match(len(found), expected)
        if problem:
            said = f"events {_describe(wanted)}: {len(found)} happened, expected {_count(expected)}"
            problems.append(said + (_near(wanted, world) if not found else ""))
    for unwanted in spec.get("not_happened") or []:
        found = _matching(unwanted, world)
        if found:
            first = {k: v for k, v in found[0].items() if k != "id"}
            problems.append(
                f"events {_describe(unwanted)}: {len(found)} happened, expected none (first: {first})"
            )
    return problems


def _near(wanted: dict[str, Any], world: World) -> str:
    """What the events of the wanted type said instead, in the fields ``wanted`` names: ``0 happened`` alone
    did not tell a wrong ``ip`` from an event that never came."""
    named = [key for key in EVENT_FIELDS if key in wanted]
    paths = list(wanted.get("detail") or {})  # the paths into `detail` it named: the sign-in notice's
    others = world.events(type=wanted["type"])
    if not others:
        return _last(wanted, world)
    if not (named or paths):
        return ""
    newest, detail = others[-1], others[-1].get("detail") or {}
    said = [f"{key}={newest.get(key)!r}" for key in named]
    for path in paths:
        value = lookup(detail, path)
        said.append(f"detail.{path} missing" if value is MISSING else f"detail.{path}={value!r}")
    return f" ({len(others)} {wanted['type']} happened, the newest with {', '.join(said)})"


def _last(wanted: dict[str, Any], world: World, shown: int = 5) -> str:
    """No event of the wanted type at all: the types of the last ones that did happen (the wanted user's,
    if it names one), so the reader sees how far the flow got without a rerun and ``sls events``."""
    named = wanted.get("user")
    user = named if isinstance(named, str) else ""
    types = [event["type"] for event in world.events(user=user)[-shown:]]
    if not types:
        return ""
    of = f" of {user}" if user else ""
    return f" (none of that type; the last events{of}: {', '.join(types)})"


def _matching(wanted: dict[str, Any], world: World) -> list[dict[str, Any]]:
    user = wanted.get("user")
    events = world.events(type=wanted["type"], user=user if isinstance(user, str) else "")
    kept = []
    for event in events:
        if any(key in wanted and match(event.get(key, MISSING), wanted[key]) for key in EVENT_FIELDS):
            continue
        detail = event.get("detail") or {}
        if any(
            match(lookup(detail, path), expected) for path, expected in (wanted.get("detail") or {}).items()
        ):
            continue
        kept.append(event)
    return kept


def _describe(wanted: dict[str, Any]) -> str:
    fields = ", ".join(f"{k}={v!r}" for k, v in wanted.items() if k not in ("type", "count"))
    return f"{wanted['type']}" + (f" ({fields})" if fields else "")


def _count(expected: Any) -> str:
    if expected == {"ge": 1}:
        return "at least one"
    return repr(expected)


def _message(response: Response) -> str:
    return response.said()

"""What the schema cannot say about a scenario: names that must have been defined before they are used.

Walked in document order, like the runner will: an actor must be in ``actors`` (or be ``user``), a device name
must come from ``setup.devices`` or an earlier ``enroll`` (and be of the type its step operates), a
``${variable}`` must be set by an earlier step, and a scenario must assert something (at least one
``expect``). An event type must be one the server writes (``event_types``): a misspelt one under
``not_happened`` would pass whatever the server did. Values only the setup would refuse (an instant, a
duration, a PIN the device cannot take) are read here too. Catching these here turns a run that would fail (or
wrongly pass) at step 14 into a validation error at line 52.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from sls_devices import dscplus, ibkey

from .event_types import EVENT_TYPES
from .positions import Positions, Problem, dotted
from .values import duration_seconds, is_reference, parse_instant, references

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Variables a step sets by itself (besides its ``capture``), by step type.
IMPLICIT: dict[str, tuple[str, ...]] = {
    "login": ("txn", "login_token", "challenge", "match", "factor"),
    "stepup": ("txn", "challenge", "match", "factor"),
    "choose_factor": ("challenge", "match", "factor"),
    "request_code": ("factor",),
    "verify": ("session",),
    "card": ("response",),
    "ibkey_respond": ("response",),
    "read_sms": ("code",),
    "read_call": ("code",),
    "totp_code": ("code",),
}
ALWAYS = ("scenario",)
_IBKEY_ACTS = ("approve", "deny", "respond", "activate", "add_user", "settings", "biometrics")
#: The type of device each step operates, by step type: a card step on the IB Key's name failed only at run
#: time, with a 404 from the card's simulator that did not say the name was the wrong one.
OPERATES = {"card": "dscplus", "totp_code": "totp"} | {f"ibkey_{act}": "ibkey" for act in _IBKEY_ACTS}
#: Steps that type a user's password, the setup's unless they give one; and steps that reach a user's phone,
#: the setup's number unless they give one: a misspelt user of either failed only at run time.
NEEDS_PASSWORD = ("login", "ibkey_activate", "ibkey_add_user")
NEEDS_NUMBER = ("read_sms", "read_call", "phone_conditions")
#: Devices the broker refuses to enrol for a user without a phone number, and why they need one.
NEEDS_PHONE = {"sms": "texts go to it", "voice": "calls go to it", "ibkey": "its activation code is texted"}


class _Walk:
    def __init__(self, data: dict[str, Any], positions: Positions, filename: str) -> None:
        self.positions, self.filename = positions, filename
        self.problems: list[Problem] = []
        self.actors = {"user", *(data.get("actors") or {})}
        self.variables: set[str] = set(ALWAYS)
        self.devices: dict[str, str] = {}  # name -> type
        self.expects = 0
        #: The setup's users, each with whether it has a phone; None when a username is a ${variable}.
        self.users: dict[str, bool] | None = {}

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        line, column = self.positions.of(path)
        self.problems.append(Problem(self.filename, line, column, dotted(path), message))

    def use(self, value: Any, path: tuple[Any, ...]) -> None:
        for name in references(value):
            if name not in self.variables:
                close = difflib.get_close_matches(name, sorted(self.variables), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(path, f"${{{name}}} is used before any step sets it{hint}")

    def define(self, name: str, path: tuple[Any, ...]) -> None:
        self.variables.add(name)

    def device(self, value: Any, path: tuple[Any, ...], needs: Any = None) -> None:
        """``value`` names a device defined earlier and, when the step operates one kind, of that kind."""
        if not isinstance(value, str) or not IDENT.match(value):
            return
        if value not in self.devices:
            known = sorted(self.devices)
            close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; defined: {', '.join(known) or 'none'}"
            self.problem(path, f"no device is called {value!r}{hint}")
        elif isinstance(needs, str) and self.devices[value] != needs:
            fitting = sorted(name for name, kind in self.devices.items() if kind == needs)
            hint = f"did you mean {' or '.join(map(repr, fitting))}?" if fitting else "none is defined"
            self.problem(path, f"{value!r} is of type {self.devices[value]}, expected type {needs} ({hint})")

    def setup(self, setup: dict[str, Any]) -> None:
        if "clock" in setup:
            self.instant(setup["clock"], ("setup", "clock"))
        users = [u["username"] for u in setup.get("users") or []]
        self.users = {u["username"]: bool(u.get("phone")) for u in setup.get("users") or []}
        if any("${" in name for name in users):
            self.users = None
        for i, user in enumerate(setup.get("users") or []):
            if users.count(user["username"]) > 1:
                self.problem(("setup", "users", i), f"user {user['username']!r} is set up twice")
            self.define(user["username"], ("setup", "users", i))
        for i, account in enumerate(setup.get("accounts") or []):
            for j, name in enumerate(account.get("users") or []):
                if name not in users:
                    self.problem(
                        ("setup", "accounts", i, "users", j), f"{name!r} is not a user of setup.users"
                    )
        phoneless = {user["username"] for user in setup.get("users") or [] if not user.get("phone")}
        for i, device in enumerate(setup.get("devices") or []):
            where = ("setup", "devices", i)
            if device["user"] not in users:
                self.problem((*where, "user"), f"{device['user']!r} is not a user of setup.users")
            if device["user"] in phoneless and device["type"] in NEEDS_PHONE:
                kind, why = device["type"], NEEDS_PHONE[device["type"]]
                said = f"{kind} needs {device['user']!r} to have a `phone` in setup.users ({why})"
                self.problem((*where, "type"), said)
            if "share" in device:
                self.device(device["share"], (*where, "share"), device["type"])
            self.name_device(device.get("as"), device["type"], (*where, "as"))
            self.pin(device, where)
            self.iphone(device, where)

    def name_device(self, name: str | None, kind: str, path: tuple[Any, ...]) -> None:
        if not name:
            return
        if name in self.devices or name in self.variables:
            self.problem(path, f"{name!r} is already the name of a user, device or variable")
        self.devices[name] = kind
        self.define(name, path)

    def steps(self, steps: list[dict[str, Any]], path: tuple[Any, ...]) -> None:
        for index, step in enumerate(steps):
            self.step(step, (*path, index))

    def step(self, step: dict[str, Any], path: tuple[Any, ...]) -> None:
        from .execute import kind_of

        kind = kind_of(step)
        body = step[kind]
        actor = step.get("actor", "user")
        if actor not in self.actors:
            close = difflib.get_close_matches(actor, sorted(self.actors), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else "; add it under `actors`"
            self.problem((*path, "actor"), f"no actor is called {actor!r}{hint}")
        if "expect" in step:
            self.expects += 1
        if kind in ("repeat", "parallel"):
            self.flow(kind, body, (*path, kind))
        else:
            self.use(body, (*path, kind))
            if isinstance(body, dict):
                needs = OPERATES.get(kind) or body.get("type")
                if "device" in body:
                    self.device(body["device"], (*path, kind, "device"), needs)
                if "share" in body:
                    self.device(body["share"], (*path, kind, "share"), needs)
        self.setup_user(kind, body, (*path, kind))
        if kind == "enroll":
            self.name_device(body.get("as"), body["type"], (*path, kind, "as"))
            self.pin(body, (*path, kind))
            self.iphone(body, (*path, kind))
        if kind == "advance_clock":
            self.clock_move(body, (*path, kind))
        for name in IMPLICIT.get(kind, ()):
            self.define(name, path)
        self.use(step.get("expect"), (*path, "expect"))
        self.event_types(step.get("expect"), (*path, "expect"))
        self.expectation(kind, step.get("expect"), (*path, "expect"))
        for name in step.get("capture") or {}:
            self.define(name, (*path, "capture"))
        if kind == "capture":
            for name in body:
                self.define(name, path)

    def setup_user(self, kind: str, body: Any, path: tuple[Any, ...]) -> None:
        """A user whose password or phone the step takes from the setup must be one of the setup's."""
        if self.users is None:
            return
        user, where = (body, path) if isinstance(body, str) else (None, path)
        if isinstance(body, dict):
            user, where = body.get("user"), (*path, "user")
        if not isinstance(user, str) or "${" in user:
            return
        close = difflib.get_close_matches(user, sorted(self.users), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close and close[0] != user else ""
        given = body if isinstance(body, dict) else {}
        if kind in NEEDS_PASSWORD and user not in self.users and "password" not in given:
            said = f"{user!r} is not a user of setup.users{hint}; a user made otherwise needs a `password`"
            self.problem(where, said)
        if kind in NEEDS_NUMBER and not self.users.get(user) and "phone" not in given:
            said = f"{user!r} has no phone in setup.users{hint}; a number of another needs `phone`"
            self.problem(where, said)

    def instant(self, value: Any, path: tuple[Any, ...]) -> None:
        """An instant written out must be one the server's clock can be set to."""
        if isinstance(value, str) and "${" in value:
            return
        try:
            parse_instant(value)
        except ValueError as exc:
            self.problem(path, str(exc))

    def pin(self, device: dict[str, Any], path: tuple[Any, ...]) -> None:
        """A PIN the device could never take (a card's keypad enters 4 digits; the IB Key app wants 4-6
        letters or digits) fails its enrolment or activation: say so at its line instead."""
        pin, kind = device.get("pin"), device.get("type")
        if not isinstance(pin, str) or "${" in pin or "share" in device:
            return
        try:
            if kind == "dscplus":
                dscplus.hash_pin(pin)
            elif kind == "ibkey" and device.get("platform") != "ios":
                ibkey.validate_pin(pin)
        except ValueError as exc:
            self.problem((*path, "pin"), f"{kind} PIN {pin!r}: {exc}")

    def iphone(self, device: dict[str, Any], path: tuple[Any, ...]) -> None:
        """``passcode`` and ``biometrics`` are an iPhone's; one without Touch ID / Face ID activates with its
        passcode, so it needs one."""
        for key in ("passcode", "biometrics"):
            if key in device and (device.get("type") != "ibkey" or device.get("platform") != "ios"):
                self.problem((*path, key), f"`{key}` is an iPhone's: only for type ibkey, platform ios")
        if device.get("biometrics") is False and "passcode" not in device:
            self.problem((*path, "biometrics"), "an iPhone without Touch ID / Face ID needs its `passcode`")
        passcode = device.get("passcode")
        if isinstance(passcode, str) and "${" not in passcode:
            try:
                ibkey.validate_passcode(passcode)
            except ValueError as exc:
                self.problem((*path, "passcode"), f"iPhone passcode {passcode!r}: {exc}")

    def clock_move(self, body: Any, path: tuple[Any, ...]) -> None:
        """A duration written out must be one the runner (and ``sls clock --advance``) can read, and an
        instant one the server's clock can be set to."""
        if isinstance(body, dict) and "to" in body:
            self.instant(body["to"], (*path, "to"))
        seconds, where = (body.get("seconds"), (*path, "seconds")) if isinstance(body, dict) else (body, path)
        if isinstance(seconds, str) and "${" not in seconds:
            try:
                duration_seconds(seconds)
            except ValueError as exc:
                self.problem(where, str(exc))

    def event_types(self, expectation: Any, path: tuple[Any, ...]) -> None:
        events = expectation.get("events") if isinstance(expectation, dict) else None
        for which in ("happened", "not_happened"):
            for i, wanted in enumerate((events or {}).get(which) or []):
                kind = wanted.get("type")
                if not isinstance(kind, str) or "${" in kind or kind in EVENT_TYPES:
                    continue
                close = difflib.get_close_matches(kind, sorted(EVENT_TYPES), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else "; `sls scenario reference` lists them"
                where = (*path, "events", which, i, "type")
                self.problem(where, f"the server writes no event {kind!r}{hint}")

    def expectation(self, kind: str, expect: Any, path: tuple[Any, ...]) -> None:
        """What only a run would find wrong with an ``expect``: ``statuses`` counts a ``repeat``'s or a
        ``parallel``'s answers, and on any other step counted none, so it passed whatever the server said; a
        ``regex`` that does not compile failed at run time as the runner's own bug."""
        if not isinstance(expect, dict):
            return
        if "statuses" in expect and kind not in ("repeat", "parallel"):
            self.problem(
                (*path, "statuses"), f"`statuses` counts the answers of a repeat or parallel, not of a {kind}"
            )
        for key in ("status", "error", "json", "headers"):
            if kind == "parallel" and key in expect:  # its branches answer at once: none is "the" answer
                self.problem(
                    (*path, key),
                    "a parallel has no one answer to check: count its branches' answers with `statuses` "
                    "(`statuses: {'200': N}`), or check an answer in a branch's own step",
                )
        for where, pattern in _regexes(expect, path):
            if isinstance(pattern, str) and not references(pattern):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    self.problem(where, f"{pattern!r} is not a regular expression: {exc}")
        for where, ends in _regexes(expect, path, "between"):  # [60, 1] fails whatever the server says
            numbers = isinstance(ends, list) and all(isinstance(e, int | float) for e in ends)
            if numbers and len(ends) == 2 and ends[0] > ends[1]:
                self.problem(where, f"{ends!r} can never hold: write the low end first")

    def flow(self, kind: str, body: dict[str, Any], path: tuple[Any, ...]) -> None:
        self.use(body.get("times"), (*path, "times"))
        times = body.get("times")
        if isinstance(times, str) and not is_reference(times):
            said = f"times must be a whole number (or a ${{variable}} holding one), not {times!r}"
            self.problem((*path, "times"), said)
        had_i = "i" in self.variables
        self.define("i", path)
        if kind == "parallel":
            has_copies, has_branches = "steps" in body, "branches" in body
            if has_copies == has_branches:
                self.problem(path, "give either `times` with `steps`, or `branches`")
            if has_copies and "times" not in body:
                self.problem(path, "`steps` needs `times`: how many copies run at once")
            for b, branch in enumerate(body.get("branches") or []):
                self.steps(branch, (*path, "branches", b))
        if "steps" in body:
            self.steps(body["steps"], (*path, "steps"))
        if not had_i:
            self.variables.discard("i")


def _regexes(value: Any, path: tuple[Any, ...], op: str = "regex") -> list[tuple[tuple[Any, ...], Any]]:
    """Every ``{regex: pattern}`` matcher (or another ``op``) inside an expectation, with where it is."""
    found: list[tuple[tuple[Any, ...], Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == op:
                found.append(((*path, key), item))
            else:
                found += _regexes(item, (*path, key), op)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _regexes(item, (*path, index), op)
    return found


def cross_check(data: dict[str, Any], positions: Positions, filename: str) -> list[Problem]:
    walk = _Walk(data, positions, filename)
    walk.setup(data.get("setup") or {})
    walk.steps(data["steps"], ("steps",))
    if walk.expects == 0:
        walk.problem(
            ("steps",), "nothing is checked: add an `expect` (a scenario that asserts nothing is no test)"
        )
    return walk.problems

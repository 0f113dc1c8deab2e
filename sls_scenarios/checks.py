"""What the schema cannot say about a scenario: names that must have been defined before they are used.

Walked in document order, like the runner will: an actor must be in ``actors`` (or be ``user``), a device name
must come from ``setup.devices`` or an earlier ``enroll`` (and be of the type its step operates), a
``${variable}`` must be set by an earlier step, and a scenario must assert something (at least one
``expect``). On the way, each value only the run would refuse (an instant, a duration, a PIN the device
cannot take: ``value_checks``) and each ``expect`` that could not fail or could never hold
(``expect_checks``) is judged where it is written. Catching these here turns a run that would fail (or
wrongly pass) at step 14 into a validation error at line 52.
"""

from __future__ import annotations

import re
from typing import Any

from .expect_checks import event_types, expectation
from .positions import Positions, Problem, dotted
from .schema import suggest
from .value_checks import clock_move, instant, iphone, pin
from .values import is_reference, references

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
        #: Variables that hold a whole mapping (a setup user, a device's enrolment answer), each with the
        #: field a step's string most likely wants from it.
        self.mappings: dict[str, str] = {}
        self.expects = 0
        #: The setup's users, each with whether it has a phone; None when a username is a ${variable}.
        self.users: dict[str, bool] | None = {}

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        line, column = self.positions.of(path)
        self.problems.append(Problem(self.filename, line, column, dotted(path), message))

    def use(self, value: Any, path: tuple[Any, ...]) -> None:
        for name in references(value):
            if name not in self.variables:
                hint = suggest(name, self.variables)
                self.problem(path, f"${{{name}}} is used before any step sets it{hint}")

    def define(self, name: str, path: tuple[Any, ...]) -> None:
        self.variables.add(name)
        self.mappings.pop(name, None)  # a capture's value may be anything: no longer known to be a mapping

    def whole(self, value: Any, path: tuple[Any, ...]) -> None:
        """A step's string that is a whole user or device (``login: "${alice}"``): the run sent the mapping,
        password included, where a name was expected, and crashed or printed it in a failure message."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.whole(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.whole(item, (*path, index))
        elif isinstance(value, str) and is_reference(value):
            name = value.strip()[2:-1]
            if name in self.mappings:
                field = self.mappings[name]
                kind = "user" if field == "username" else "device"
                said = f"${{{name}}} is the whole {kind} {name!r} (a mapping) where a string is expected"
                self.problem(path, f"{said}: name one of its fields, like ${{{name}.{field}}}")

    def device(self, value: Any, path: tuple[Any, ...], needs: Any = None) -> None:
        """``value`` names a device defined earlier and, when the step operates one kind, of that kind."""
        if not isinstance(value, str) or not IDENT.match(value):
            return
        if value not in self.devices:
            known = sorted(self.devices)
            hint = suggest(value, known, otherwise=f"; defined: {', '.join(known) or 'none'}")
            self.problem(path, f"no device is called {value!r}{hint}")
        elif isinstance(needs, str) and self.devices[value] != needs:
            fitting = sorted(name for name, kind in self.devices.items() if kind == needs)
            hint = f"did you mean {' or '.join(map(repr, fitting))}?" if fitting else "none is defined"
            self.problem(path, f"{value!r} is of type {self.devices[value]}, expected type {needs} ({hint})")

    def setup(self, setup: dict[str, Any]) -> None:
        if "clock" in setup:
            instant(setup["clock"], ("setup", "clock"), self.problem)
        users = [u["username"] for u in setup.get("users") or []]
        self.users = {u["username"]: bool(u.get("phone")) for u in setup.get("users") or []}
        if any("${" in name for name in users):
            self.users = None
        for i, user in enumerate(setup.get("users") or []):
            if users.count(user["username"]) > 1:
                self.problem(("setup", "users", i), f"user {user['username']!r} is set up twice")
            self.define(user["username"], ("setup", "users", i))
            self.mappings[user["username"]] = "username"
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
            pin(device, where, self.problem)
            iphone(device, where, self.problem)

    def name_device(self, name: str | None, kind: str, path: tuple[Any, ...]) -> None:
        if not name:
            return
        if name in self.devices or name in self.variables:
            self.problem(path, f"{name!r} is already the name of a user, device or variable")
        self.devices[name] = kind
        self.define(name, path)
        self.mappings[name] = "device_id"

    def steps(self, steps: list[dict[str, Any]], path: tuple[Any, ...]) -> None:
        for index, step in enumerate(steps):
            self.step(step, (*path, index))

    def step(self, step: dict[str, Any], path: tuple[Any, ...]) -> None:
        from .execute import kind_of

        kind = kind_of(step)
        body = step[kind]
        actor = step.get("actor", "user")
        if actor not in self.actors:
            hint = suggest(actor, self.actors, otherwise="; add it under `actors`", cutoff=0.5)
            self.problem((*path, "actor"), f"no actor is called {actor!r}{hint}")
        if "expect" in step:
            self.expects += 1
        if kind in ("repeat", "parallel"):
            self.flow(kind, body, (*path, kind))
        else:
            self.use(body, (*path, kind))
            if kind != "http":  # a raw call's body may send a mapping on purpose
                self.whole(body, (*path, kind))
            if isinstance(body, dict):
                needs = OPERATES.get(kind) or body.get("type")
                if "device" in body:
                    self.device(body["device"], (*path, kind, "device"), needs)
                if "share" in body:
                    self.device(body["share"], (*path, kind, "share"), needs)
        self.setup_user(kind, body, (*path, kind))
        if kind == "enroll":
            self.name_device(body.get("as"), body["type"], (*path, kind, "as"))
            pin(body, (*path, kind), self.problem)
            iphone(body, (*path, kind), self.problem)
        if kind == "advance_clock":
            clock_move(body, (*path, kind), self.problem)
        for name in IMPLICIT.get(kind, ()):
            self.define(name, path)
        self.use(step.get("expect"), (*path, "expect"))
        event_types(step.get("expect"), (*path, "expect"), self.problem)
        expectation(kind, step.get("expect"), (*path, "expect"), self.problem)
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
        hint = "" if user in self.users else suggest(user, self.users)
        given = body if isinstance(body, dict) else {}
        if kind in NEEDS_PASSWORD and user not in self.users and "password" not in given:
            said = f"{user!r} is not a user of setup.users{hint}; a user made otherwise needs a `password`"
            self.problem(where, said)
        if kind in NEEDS_NUMBER and not self.users.get(user) and "phone" not in given:
            said = f"{user!r} has no phone in setup.users{hint}; a number of another needs `phone`"
            self.problem(where, said)

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


def cross_check(data: dict[str, Any], positions: Positions, filename: str) -> list[Problem]:
    walk = _Walk(data, positions, filename)
    walk.setup(data.get("setup") or {})
    walk.steps(data["steps"], ("steps",))
    if walk.expects == 0:
        walk.problem(
            ("steps",), "nothing is checked: add an `expect` (a scenario that asserts nothing is no test)"
        )
    return walk.problems

"""What the schema cannot say about a scenario: names that must have been defined before they are used.

Walked in document order, like the runner will: an actor must be in ``actors`` (or be ``user``), a device name
must come from ``setup.devices`` or an earlier ``enroll`` (and be of the type its step operates), a
``${variable}`` must be set by an earlier step, and a scenario must assert something (at least one
``expect``). On the way, each value only the run would refuse (an instant, a duration, a PIN the device
cannot take: ``value_checks``) and each ``expect`` that could not fail or could never hold
(``expect_checks``) is judged where it is written. Catching these here turns a run that would fail (or
wrongly pass) at step 14 into a validation error at line 52. The setup is walked first (``setup_checks``).

They run beside the schema's check, not after it, on every part it did not refuse (``refusals``): one
validation tells a file's every problem, and a part the schema refused is told once, by the schema.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection
from typing import Any

from .expect_checks import event_types, expectation
from .positions import Path_, Positions, Problem
from .refusals import entries, given, lacks, prune, within
from .setup_checks import setup
from .spelling import suggest
from .value_checks import addresses, clock_move, iphone, pin, sim_holder
from .values import is_reference, references, variable_of

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


class Walk:
    """One walk over the document as the schema left it (``refusals.prune``): a value it refused is
    ``REFUSED``, so each check reads only what it can judge, and a name a refused part may have defined
    makes the names unknown from there on (``sure``), never wrongly undefined."""

    def __init__(
        self, data: dict[str, Any], positions: Positions, filename: str, refused: list[Path_]
    ) -> None:
        self.positions, self.filename, self.refused = positions, filename, refused
        self.problems: list[Problem] = []
        actors = given(data, "actors", {})
        self.actors: set[str] | None = {"user", *actors} if isinstance(actors, dict) else None
        self.variables: set[str] = set(ALWAYS)
        self.devices: dict[str, Any] = {}  # name -> type (a str, or what the schema refused)
        #: Variables that hold a whole mapping (a setup user, a device's enrolment answer), each with the
        #: field a step's string most likely wants from it.
        self.mappings: dict[str, str] = {}
        self.expects = 0
        #: Whether every variable and device defined so far is known: not after a part the schema refused.
        self.sure = True
        #: Whether each step is known to have, or to lack, an `expect`.
        self.counted = True
        #: The setup's users, each with whether it has a phone; None when a username is a ${variable}, or
        #: one the schema refused.
        self.users: dict[str, bool] | None = {}

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        if within(path, self.refused):  # the schema's problem, told already
            return
        self.problems.append(Problem.at(self.filename, self.positions.of(path), path, message))

    def unknown(self) -> None:
        """A part the schema refused may have defined variables or devices: none is undefined from here."""
        self.sure = False

    def use(self, value: Any, path: tuple[Any, ...]) -> None:
        for reference in references(value):
            name, _ = variable_of(reference, self.variables)
            if name not in self.variables and self.sure:
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
            if not self.sure:
                return
            known = sorted(self.devices)
            hint = suggest(value, known, otherwise=f"; defined: {', '.join(known) or 'none'}")
            self.problem(path, f"no device is called {value!r}{hint}")
        elif isinstance(needs, str) and isinstance(self.devices[value], str) and self.devices[value] != needs:
            fitting = sorted(name for name, kind in self.devices.items() if kind == needs)
            hint = f"did you mean {' or '.join(map(repr, fitting))}?" if fitting else "none is defined"
            self.problem(path, f"{value!r} is of type {self.devices[value]}, expected type {needs} ({hint})")

    def name_device(self, name: Any, kind: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(name, str):
            if name is not None:  # a name the schema refused
                self.unknown()
            return
        if name in self.devices or name in self.variables:
            self.problem(path, f"{name!r} is already the name of a user, device or variable")
        self.devices[name] = kind
        self.define(name, path)
        self.mappings[name] = "device_id"

    def steps(self, steps: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(steps, list):  # refused (or missing): what they check and define is unknown
            self.unknown()
            self.counted = False
            return
        for index, step in enumerate(steps):
            self.step(step, (*path, index))

    def step(self, step: Any, path: tuple[Any, ...]) -> None:
        from .execute import kind_of

        if not isinstance(step, dict) or kind_of(step) not in step:  # a step the schema refused
            self.unknown()
            self.counted = False
            return
        kind = kind_of(step)
        body = step[kind]
        actor = step.get("actor", "user")
        if self.actors is not None and isinstance(actor, str) and actor not in self.actors:
            hint = suggest(actor, self.actors, otherwise="; add it under `actors`", cutoff=0.5)
            self.problem((*path, "actor"), f"no actor is called {actor!r}{hint}")
        if "expect" in step:
            self.expects += 1
        elif not lacks(step, "expect"):  # a key the schema refused may be `expect`, misspelt
            self.counted = False
        if kind in ("repeat", "parallel"):
            if isinstance(body, dict):
                self.flow(kind, body, (*path, kind))
            else:
                self.unknown()
                self.counted = False
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
            self.enroll(body, (*path, kind))
        if kind == "advance_clock":
            clock_move(body, (*path, kind), self.problem)
        if kind == "phone_conditions":
            sim_holder(body, (*path, kind), self.problem)
        for name in IMPLICIT.get(kind, ()):
            self.define(name, path)
        self.use(step.get("expect"), (*path, "expect"))
        event_types(step.get("expect"), (*path, "expect"), self.problem)
        expectation(kind, step.get("expect"), (*path, "expect"), self.problem)
        for name in _names(given(step, "capture"), self.unknown):
            self.define(name, (*path, "capture"))
        if kind == "capture":
            for name in _names(body, self.unknown):
                self.define(name, path)

    def enroll(self, body: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(body, dict):  # refused: it may have named its device
            self.unknown()
            return
        self.name_device(given(body, "as"), body.get("type"), (*path, "as"))
        pin(body, path, self.problem)
        iphone(body, path, self.problem)

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
        written = body if isinstance(body, dict) else {}
        if kind in NEEDS_PASSWORD and user not in self.users and lacks(written, "password"):
            said = f"{user!r} is not a user of setup.users{hint}; a user made otherwise needs a `password`"
            self.problem(where, said)
        if kind in NEEDS_NUMBER and not self.users.get(user) and lacks(written, "phone"):
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
        told = all(key in body or lacks(body, key) for key in ("times", "steps", "branches"))
        if kind == "parallel" and told:  # else a key the schema refused may be one of these, misspelt
            has_copies, has_branches = "steps" in body, "branches" in body
            if has_copies == has_branches:
                self.problem(path, "give either `times` with `steps`, or `branches`")
            if has_copies and "times" not in body:
                self.problem(path, "`steps` needs `times`: how many copies run at once")
        if kind == "parallel":
            branches, complete = entries(given(body, "branches"), lambda branch: isinstance(branch, list))
            if not complete:
                self.unknown()
            for b, branch in branches:
                self.steps(branch, (*path, "branches", b))
        if given(body, "steps") is not None:
            self.steps(given(body, "steps"), (*path, "steps"))
        if not had_i:
            self.variables.discard("i")


def _names(value: Any, refused: Callable[[], None]) -> list[str]:
    """The names a ``capture`` defines; ``refused`` is told when the schema refused it."""
    if not isinstance(value, dict) and value is not None:
        refused()
    return list(value) if isinstance(value, dict) else []


def cross_check(
    data: Any,
    positions: Positions,
    filename: str,
    refused: Collection[Path_] = (),
    keys: Collection[Path_] = (),
) -> list[Problem]:
    """What the schema cannot say, about every part of ``data`` it did not refuse: ``refused``, the paths of
    values it refused, and ``keys``, of keys it refused (``refusals.prune``)."""
    view = prune(data, refused, keys)
    if not isinstance(view, dict):  # not a mapping at all: the schema said so
        return []
    walk = Walk(view, positions, filename, list(refused))
    addresses(view, walk.problem)
    setup(walk, given(view, "setup", {}))
    walk.steps(given(view, "steps"), ("steps",))
    if walk.expects == 0 and walk.counted:
        walk.problem(
            ("steps",), "nothing is checked: add an `expect` (a scenario that asserts nothing is no test)"
        )
    description = given(view, "description")
    if isinstance(description, str) and " ".join(description.split()) == _placeholder():
        walk.problem(("description",), "still the template's: say in a sentence what this scenario shows")
    return walk.problems


@functools.cache
def _placeholder() -> str:
    """The description ``sls scenario new`` writes, to be replaced: left as it is, the template ran green
    and validated, and a file that shows nothing of its own passed for a test."""
    import yaml

    from .files import template_text

    return " ".join(str(yaml.safe_load(template_text())["description"]).split())

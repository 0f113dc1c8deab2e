"""What one scenario run knows: its actors, variables, devices, the prompts shown, the last answers.

The runner is the world's narrator: it sees every login it started (so ``ibkey_approve`` can pick the number
shown on that login's page, and ``card`` can key the challenge shown for that card), but it learns all of it
over HTTP, as each person in the scenario would. Nothing here reaches into the server.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .targets import InProcessTarget, RemoteTarget
from .transport import Client, Response

WORDS = (
    "amber", "birch", "cobalt", "delta", "ember", "fjord", "granite", "harbor", "indigo", "juniper",
    "kestrel",
    "lantern", "meadow", "nimbus", "orchid", "pepper", "quartz", "raven", "saffron", "thistle", "umber",
    "velvet", "willow", "yonder", "zephyr",
)  # fmt: skip


class StepFailed(Exception):
    """The step could not do what it says, or its expectation failed: the message says which and why."""


@dataclass
class Prompt:
    """A login or step-up waiting for its second factor, as its page shows it."""

    kind: str  # "login" | "stepup"
    txn_id: str
    actor: str
    user: str | None
    factor: dict[str, Any]
    login_token: str | None = None

    @property
    def challenge(self) -> str | None:
        return self.factor.get("challenge")

    @property
    def match(self) -> str | None:
        return self.factor.get("match")

    @property
    def push(self) -> bool:
        return self.factor.get("type") == "ibkey" and self.factor.get("mode") == "push"


@dataclass
class Device:
    """An enrolled authenticator as the scenario knows it: the enrolment answer and how to unlock it."""

    name: str
    user: str
    type: str
    record: dict[str, Any]
    pin: str | None = None
    platform: str | None = None
    #: An iPhone's own passcode, and whether Touch ID / Face ID is set up (without it IB Key asks for the
    #: passcode instead).
    passcode: str | None = None
    biometrics: bool = True

    @property
    def device_id(self) -> str:
        return str(self.record["device_id"])

    def unlock(self, body: dict[str, Any]) -> dict[str, Any]:
        """The PIN, biometric or iPhone passcode the step gives, else what the device was set up with."""
        given: dict[str, Any] = {k: body[k] for k in ("pin", "biometric", "passcode") if k in body}
        if given:
            return given
        if self.platform == "ios":
            if not self.biometrics and self.passcode:
                return {"passcode": self.passcode}
            return {"biometric": True}
        return {"pin": self.pin} if self.pin else {}


@dataclass
class Actor:
    name: str
    address: str | None
    role: str
    client: Client
    pending: Prompt | None = None
    session: str | None = None
    #: Its last session ended with a ``logout`` step (the token is kept: a step may try it once more).
    logged_out: bool = False
    #: Whose session it holds (the user its login named): the audit trail is searched by user for the event
    #: that ended it, when a step sending it is refused.
    session_user: str | None = None
    last: Response | None = None


@dataclass
class World:
    target: InProcessTarget | RemoteTarget
    rng: random.Random
    actors: dict[str, Actor] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    prompts: list[Prompt] = field(default_factory=list)
    seen: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    last: Response | None = None
    #: The newest thing a person read off a device (a card's response, a texted code): ``verify``'s default.
    last_answer: str | None = None
    #: The newest ``parallel``'s answers (each branch's last): what a ``repeat`` whose rounds end in one
    #: counts for ``statuses``, since a parallel leaves no one last answer.
    branch_answers: list[Response] = field(default_factory=list)
    admin_client: Client | None = None

    # --- people and things ------------------------------------------------------------------------------

    def actor(self, name: str) -> Actor:
        if name not in self.actors:
            raise StepFailed(f"no actor {name!r}")
        return self.actors[name]

    def device(self, ref: Any) -> Device:
        """A device by its ``as`` name or its id (an id the scenario never enrolled is looked up as-is).

        A mapping (``device: "${alice}"``: a whole user, password included) is refused without being shown:
        it was taken for a device's name and printed in the failure message."""
        if isinstance(ref, dict | list):
            raise StepFailed(
                "`device` holds a mapping, not a device's name or id (a whole ${variable}?): name a device "
                "by its `as` name, or a field, like ${card.device_id}"
            )
        ref = str(ref)
        if ref in self.devices:
            return self.devices[ref]
        for device in self.devices.values():
            if device.device_id == ref:
                return device
        return Device(ref, "", ref.split("-")[0], {"device_id": ref})

    def password(self, user: str, given: str | None = None) -> str:
        if given is not None:
            return given
        if user in self.users:
            return str(self.users[user]["password"])
        raise StepFailed(f"{user!r} is not a user of setup.users: give a password")

    def phone_of(self, body: dict[str, Any]) -> str:
        if body.get("phone"):
            return str(body["phone"])
        user = body.get("user")
        number = self.users.get(str(user), {}).get("phone") if user else None
        if not number:
            raise StepFailed(f"{user!r} has no phone in setup.users: name the `phone`")
        return str(number)

    def new_password(self) -> str:
        """A password the policy accepts, drawn from the scenario's seeded generator."""
        first, second, third = self.rng.sample(WORDS, 3)
        return f"{first.title()}-{second}-{third}-{self.rng.randrange(10, 100)}"

    def prompt_for(self, device_id: str | None = None, txn_id: str | None = None) -> Prompt | None:
        """The newest prompt of a transaction, or the newest shown for a device."""
        for prompt in reversed(self.prompts):
            if txn_id and prompt.txn_id == txn_id:
                return prompt
            if not txn_id and device_id and prompt.factor.get("device_id") == device_id:
                return prompt
        return None

    # --- calls ------------------------------------------------------------------------------------------

    def admin(
        self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None
    ) -> Response:
        if self.admin_client is None:
            self.admin_client = self.target.client(None)
        auth = {"Authorization": f"Bearer {self.target.admin_token}"}
        return self.admin_client.request(method, path, json_body=body, headers=auth, query=query)

    def sim(self, actor: Actor, method: str, path: str, body: Any = None) -> Response:
        headers = {"Authorization": f"Bearer {self.target.sim_token}"} if self.target.sim_token else {}
        return actor.client.request(method, path, json_body=body, headers=headers)

    def admin_ok(self, method: str, path: str, body: Any = None, *, what: str) -> Response:
        answer = self.admin(method, path, body)
        if not 200 <= answer.status < 300:
            raise StepFailed(f"{what}: {method} {path} answered {answer.brief()}: {_message(answer)}")
        return answer

    def events(self, **query: str) -> list[dict[str, Any]]:
        """Every audit event matching ``query`` (``type``, ``user``), oldest first, across pages."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 1000, **{k: v for k, v in query.items() if v}}
        while True:
            page = self.admin("GET", "/admin/v1/events", query=params)
            if page.status != 200 or not isinstance(page.body, dict):
                raise StepFailed(f"cannot read the audit trail: {page.brief()}")
            batch = page.body.get("events") or []
            found.extend(batch)
            if len(batch) < params["limit"] or not page.body.get("cursor"):
                return found
            params["since"] = page.body["cursor"]


def _message(answer: Response) -> str:
    return answer.said()

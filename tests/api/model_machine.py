"""The login model's machine, the part every topic shares: the world one example starts from (one user with
one second factor), the settings CI and a hunt run with, how an answer is held to the model (:func:`_check`),
and the helpers the topics' rules call (an IB Key activated, the phone's inbox, the app unlocked, a response
typed, a push answered). The rules are in the topic modules (``model_login_rules``, ``model_stepup_rules``,
``model_world_rules``), each a subclass of :class:`ModelMachine`; ``test_login_model.LoginPolicy`` inherits
them all, and Hypothesis collects rules, preconditions and invariants from base classes too
(``test_model_rules_inherited.py`` holds it to that).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
)
from ibkey_app_model import AppModel, replace_ibkey
from login_model import ABSOLUTE_TIMEOUT, Expect, Login, Model
from stepup_model import StepUps
from werkzeug.test import TestResponse

from sls_devices.dscplus import expected_response, hash_pin

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
USER = "mona"
PASSWORD = "Correct-Horse-Model-Battery"
PIN = "2580"
PHONE = "+15550100042"
APP_PIN = "12ab"
PASSCODE = "482916"
#: What the phone is unlocked with, right, and a wrong one of the right form (so it counts).
SECRETS = {"pin": (APP_PIN, "34cd"), "passcode": (PASSCODE, "111111")}
#: How the app is unlocked at each answer: mostly right, sometimes a wrong secret or the wrong kind.
UNLOCKS = st.sampled_from(["right"] * 5 + ["wrong", "kind"])
HOME = "198.51.100.7"
AWAY = "203.0.113.9"
ADDRESSES = st.sampled_from([HOME, AWAY])
#: A roll of the die: right when under the variant's share (``LoginPolicy.shares``), so one variant meets
#: locks and another sessions and disabled cards; it shrinks towards right.
ROLL = st.integers(0, 5)
ALLOWLISTS = st.sampled_from(
    [[], ["198.51.100.0/24"], ["203.0.113.0/24"], ["198.51.100.7/32", "203.0.113.0/24"]]
)
#: Moves of the clock: the edges of every wait the policy has, and anything up to a day and a bit.
EDGES = [1, 29, 30, 59, 60, 61, 119, 120, 121, 299, 300, 301, 899, 900, 901, 1199, 1200, 3600]
MOVES = st.one_of(st.sampled_from(EDGES), st.integers(0, 2000), st.just(ABSOLUTE_TIMEOUT))

#: Which session a step-up or withdrawal uses: mostly the newest (-1), else any (modulo their number).
WHICH = st.one_of(st.just(-1), st.integers(0, 100))

EXAMPLES = int(os.environ.get("MODEL_EXAMPLES", "6"))
STEPS = int(os.environ.get("MODEL_STEPS", "20"))
#: CI's profile: the same examples every run; a hunt (MODEL_EXAMPLES set) draws new ones.
PROFILE = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize="MODEL_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
    phases=[p for p in Phase if p != Phase.shrink or os.environ.get("MODEL_SHRINK", "1") == "1"],
)


#: Which answers the run met, by step (the error, else the ``state``): printed after a hunt (``-s``) to show
#: what the sequences reached.
SEEN: Counter[tuple[str, int, str | None]] = Counter()


def _check(answer: TestResponse, expect: Expect, step: str) -> dict[str, Any]:
    body: dict[str, Any] = answer.get_json(silent=True) or {}
    SEEN[(step.split("(")[0], answer.status_code, body.get("error") or body.get("state"))] += 1
    told = (answer.status_code, body.get("error"), {k: body.get(k) for k in expect.fields})
    assert told == (expect.status, expect.error, expect.fields), f"{step}: the app {told}, the model {expect}"
    return body


class ModelMachine(RuleBasedStateMachine):
    """One user with one second factor (a DSC+ card, SMS, or an IB Key on Android or an iPhone), her logins,
    sessions and step-ups, against the model."""

    client: FlaskClient
    limits: dict[str, int]
    """The settings the model is given: those the app was made with."""
    factor: str
    """Her one second factor: ``dscplus``, ``sms``, ``ibkey`` (Android) or ``ibkey-ios``."""
    shares: tuple[int, int]
    """How many of :data:`ROLL`'s six faces are a right password, and a right response."""

    def __init__(self) -> None:
        super().__init__()
        self.txn: str | None = None
        self.login_token = ""
        self.challenge = ""
        self.tokens: list[str] = []
        self.mode = ""
        self.note: dict[str, Any] = {}
        self.model = Model(now=0)
        self.app = AppModel()
        self.code = ""
        self.steps = StepUps(self.model)
        self.step_txn = ""
        self.step_challenge = ""
        self.step_code = ""
        self.old_codes: list[str] = []
        """Codes a new one replaced ("Didn't receive a security code?"): dead, typed they are wrong."""
        self.listed_at = -1
        """When the phone's notifications were last listed: a push past its expiry then is dropped from it."""
        self.refused: str | None = None
        """The error of the last IB Key activation refused at its password step since one went through: the
        IB Key she holds is the old one, still hers (:meth:`old_ibkey` counts what it does)."""

    @initialize()
    def world(self) -> None:
        client = self.client
        assert client.post("/admin/v1/reset", headers=ADMIN).status_code == 200
        clock = client.post("/admin/v1/clock", json={"reset": True}, headers=ADMIN)
        assert clock.status_code == 200, clock.get_json()
        user: dict[str, Any] = {"username": USER, "password": PASSWORD}
        if self.factor == "sms":  # a phone at creation is an SMS authenticator at once
            user["phone"] = PHONE
        if self.factor.startswith("ibkey"):  # the phone the activation code goes to, and no SMS beside it
            user.update(phone=PHONE, sms=False)
        made = client.post("/admin/v1/users", json=user, headers=ADMIN)
        assert made.status_code == 201, made.get_json()
        if self.factor == "dscplus":
            card = client.post(
                f"/admin/v1/users/{USER}/devices", json={"type": "dscplus", "pin": PIN}, headers=ADMIN
            )
            assert card.status_code == 201, card.get_json()
            self.key = bytes.fromhex(card.get_json()["secret_hex"])
        if self.factor.startswith("ibkey"):
            self.activate_ibkey()
        devices = client.get(f"/admin/v1/users/{USER}", headers=ADMIN).get_json()["devices"]
        self.device_id = devices[0]["device_id"]
        ibkey = self.factor.startswith("ibkey")
        self.model = Model(now=int(clock.get_json()["now"]), ibkey=ibkey, **self.limits)
        self.steps = StepUps(self.model)

    def activate_ibkey(
        self, ip: str = "127.0.0.1", expect: Expect | None = None, password: str = PASSWORD
    ) -> str:
        """Android with the app's PIN; an iPhone with its passcode (no Touch ID / Face ID set up yet: the
        ``biometrics`` rule sets them up and takes them off again), with ``password``; the new device's id.
        ``expect``: what the activation must answer (its password step's refusal), else it must work."""
        ios = self.factor == "ibkey-ios"
        enrolled = self.client.post(
            f"/admin/v1/users/{USER}/devices",
            json={"type": "ibkey", "platform": "ios" if ios else "android"},
            headers=ADMIN,
        )
        assert enrolled.status_code == 201, enrolled.get_json()
        app = enrolled.get_json()["device_id"]
        inbox = self.client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
        code = next(m["code"] for m in inbox if m["purpose"] == "ibkey_activation")
        body = {"username": USER, "password": password, "activation_code": code}
        body.update({"passcode": PASSCODE} if ios else {"pin": APP_PIN})
        done = self.client.post(f"/sim/v1/ibkey/{app}/activate", json=body, environ_base={"REMOTE_ADDR": ip})
        _check(done, expect or Expect(200), f"activate(ip={ip})")
        if done.status_code == 200:
            self.app = AppModel(unlock="passcode", passcode_set=True) if ios else AppModel()
        return str(app)

    def admin_unlock(self) -> None:
        """``POST /admin/v1/users/<u>/unlock``: the account's lock and its history gone."""
        answer = self.client.post(f"/admin/v1/users/{USER}/unlock", headers=ADMIN)
        assert answer.status_code == 200, answer.get_json()
        self.model.unlock()

    def advance(self, seconds: int) -> None:
        """``POST /admin/v1/clock {"advance_s"}``: the app's clock and the model's moved alike."""
        moved = self.client.post("/admin/v1/clock", json={"advance_s": seconds}, headers=ADMIN)
        assert moved.status_code == 200, moved.get_json()
        assert moved.get_json()["now"] == self.model.now + seconds
        self.model.advance(self.model.now + seconds)

    def activate_again(self, ip: str, right: bool) -> None:
        """IB Key activated again, after the app locked itself or on a new phone: the admin enrols a new one,
        its code texted, the app activated with her password (or a wrong one) through the login's password
        step, judged as a login's (the allowlist, the address's window, the lock, then the password: a wrong
        one is a failed login, counted toward the lock). Activated, the old one stops, and a login or step-up
        in progress on it with it (``replace_ibkey``). Refused, the enrolment alone changes nothing: the old
        IB Key stays her active one (its app as it was), the new one waits for its activation."""
        refused = self.model.gate(ip) if right else self.model.password(False, ip)
        app = self.activate_ibkey(ip, refused, PASSWORD if right else PASSWORD + "-wrong")
        self.refused = refused.error if refused else None
        if refused is None:
            self.device_id = app
            replace_ibkey(self.model, self.steps.step)

    def note_of(self, txn: str) -> dict[str, Any]:
        """The push of login or step-up ``txn`` in the phone's notifications: the list read as the phone
        opens it, which drops every push past its expiry (authenticators.md), so answered later it is
        ``404 unknown_notification`` (:meth:`answer_note`)."""
        notes = self.client.get(f"/sim/v1/ibkey/{self.device_id}/notifications").get_json()
        self.listed_at = self.model.now
        return next(n for n in notes["notifications"] if n["txn_id"] == txn)

    def login_codes(self, purpose: str = "login") -> list[str]:
        """The codes texted for ``purpose`` in the phone's inbox, newest first."""
        inbox = self.client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
        return [m["code"] for m in inbox if m["purpose"] == purpose]

    def called_codes(self) -> list[str]:
        """The codes read out by the voice callbacks the phone took for a login, newest first."""
        calls = self.client.get(f"/sim/v1/phones/{PHONE}/calls").get_json()["calls"]
        return [c["code"] for c in calls if c["purpose"] == "login"]

    def on_login(self, method: str, path: str = "", **kwargs: Any) -> TestResponse:
        """A request on the latest login, with its binding, from the address that started it."""
        return self.client.open(
            f"/api/v1/auth/login/{self.txn}{path}",
            method=method,
            headers={"X-Login-Token": self.login_token},
            environ_base={"REMOTE_ADDR": self.login_ip},
            **kwargs,
        )

    def open_app(self, how: str) -> tuple[dict[str, Any], Expect | None]:
        """What the app is unlocked with (``right``, a ``wrong`` secret, or the wrong ``kind``), and the
        app model's refusal of it, if any (a biometric cannot be wrong: Face ID failing sends nothing)."""
        kind = self.app.unlock
        if how == "kind":
            other = (
                "biometric" if kind != "biometric" else ("passcode" if self.factor == "ibkey-ios" else "pin")
            )
            body: dict[str, Any] = {"biometric": True} if other == "biometric" else {other: SECRETS[other][0]}
            return body, self.app.open(other, True)
        if kind == "biometric":
            return {"biometric": True}, self.app.open(kind, True)
        right = how == "right"
        return {kind: SECRETS[kind][0 if right else 1]}, self.app.open(kind, right)

    def response(self, challenge: str, code: str, right: bool, wrong: int, how: str) -> tuple[str, bool]:
        """The response typed, and whether it is right: the card's, the texted ``code`` (a guess when none
        arrived), or the app's Generate Passcode, which the phone may refuse (a guess is typed then)."""
        if self.factor == "sms":
            digits, response, right = 6, code, right and code != ""
        elif self.factor.startswith("ibkey"):
            unlocked, refusal = self.open_app(how)
            typed = {"challenge": challenge, **unlocked}
            answered = self.client.post(f"/sim/v1/ibkey/{self.device_id}/respond", json=typed)
            _check(answered, refusal or Expect(200), f"respond({how})")
            self.old_ibkey(answered, "respond")
            digits, response, right = 8, answered.get_json().get("response", ""), right and refusal is None
        else:
            digits, response = 8, expected_response(self.key, hash_pin(PIN), challenge)
        if not right:
            wrong %= 10**digits
            other = f"{(wrong + 1) % 10**digits:0{digits}d}"
            response = f"{wrong:0{digits}d}" if f"{wrong:0{digits}d}" != response else other
        return response, right

    def answer_note(self, note: dict[str, Any], match: str, answer: str, how: str, login: Login) -> None:
        """The app's answer to a push, unlocked as ``how`` says: the number the page shows, another of the
        three, or Deny. From a roaming phone nothing is checked (``phone_offline``); a refused unlock never
        reaches the server. A push the phone no longer has is ``404 unknown_notification``, looked up before
        anything else: one to an IB Key since replaced (answered from the phone she holds now, which never
        had it), or one dropped from the list read since its expiry (:meth:`note_of`)."""
        route = "deny" if answer == "deny" else "approve"
        replaced = note["device_id"] != self.device_id
        if replaced or self.listed_at >= login.expires_at:
            body: dict[str, Any] = {"pin": APP_PIN, **({"match": match} if route == "approve" else {})}
            sent = self.client.post(
                f"/sim/v1/ibkey/{self.device_id}/notifications/{note['id']}/{route}", json=body
            )
            step = "answer_replaced_push" if replaced else "answer_dropped_push"
            _check(sent, Expect(404, "unknown_notification"), f"{step}({answer})")
            return
        if self.model.roaming:
            body = {"pin": APP_PIN}
            expect: Expect | None = Expect(409, "phone_offline")
        else:
            body, expect = self.open_app(how)
        if answer != "deny":
            body["match"] = match if answer == "right" else next(c for c in note["candidates"] if c != match)
        sent = self.client.post(
            f"/sim/v1/ibkey/{self.device_id}/notifications/{note['id']}/{route}", json=body
        )
        _check(sent, expect or self.model.answer_push(answer, login), f"answer_push({answer}, {how})")
        self.old_ibkey(sent, "push")

    def old_ibkey(self, answer: TestResponse, step: str) -> None:
        """Counts (in :data:`SEEN`, as ``old_ibkey_after_<error>``) what the IB Key she holds answered after
        an activation of a new one was refused (``423``, ``429``, ``403`` at its password step): it is still
        her active one, so its pushes and passcodes go on as before."""
        if self.refused is not None:
            body = answer.get_json(silent=True) or {}
            told = body.get("error") or body.get("state") or ("response" if step == "respond" else None)
            SEEN[(f"old_ibkey_after_{self.refused}", answer.status_code, told)] += 1

    def bearer(self, index: int, ip: str) -> dict[str, Any]:
        return {
            "headers": {"Authorization": f"Bearer {self.tokens[index]}"},
            "environ_base": {"REMOTE_ADDR": ip},
        }

    @invariant()
    def lockout_view(self) -> None:
        """The admin's view of the lock says what the answers say."""
        if not hasattr(self, "key"):
            return
        view = self.client.get(f"/admin/v1/users/{USER}/lockout", headers=ADMIN)
        assert view.status_code == 200, view.get_json()
        assert bool(view.get_json().get("locked")) == self.model.locked(), view.get_json()

"""A model-based test of the login policy: Hypothesis drives the real app (the Flask test client on the
session's real redis-server) with random sequences of right and wrong passwords, right and wrong card
responses (the device model's), texted codes (read from the simulated phone) or an IB Key's push (approved,
denied, a wrong number picked, left to expire, collected by the login's poll) and Challenge/Response
(asked for at any point of a login), the app unlocked with an Android PIN or an iPhone's passcode or Face ID
(wrong ones, the app's own lock), the phone roaming (no push, answers offline, texts lost), step-ups for a
withdrawal and withdrawals, answers to logins that are no more, session use, tickle and logout, the admin's
unlocks, IP allowlist
changes and moves of the clock across the lockout's waits, the challenge's and the login's expiry and the
session's idle and absolute limits; after every step the app's answer (status, error code, ``retry_after``,
``attempts_left``, ``ended_by``, a poll's ``state`` and ``reason``, the instants a session ends) must be
what ``login_model.Model``, written from the documents alone, predicts. A disagreement is a bug in the app
or a gap in the documents.

CI runs a few derandomised examples of each variant (about 5 s of CPU in all). To hunt, run it long and
random: ``MODEL_EXAMPLES=2000 MODEL_STEPS=60 pytest -n 0 --timeout=0 -s`` on this file (``-s``
prints which answers the sequences met; ``MODEL_SHRINK=0`` reports a failure at once, unshrunk).
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from ibkey_app_model import APP_PIN_ATTEMPTS, AppModel, replace_ibkey
from login_model import ABSOLUTE_TIMEOUT, CHALLENGE_ISSUE_LIMIT, SMS_SEND_LIMIT, Expect, Login, Model
from stepup_model import StepUps
from werkzeug.test import TestResponse

from sls_devices.dscplus import expected_response, hash_pin
from sls_server import create_app

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


class LoginPolicy(RuleBasedStateMachine):
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

    def activate_ibkey(self, ip: str = "127.0.0.1", expect: Expect | None = None) -> str:
        """Android with the app's PIN; an iPhone with its passcode (no Touch ID / Face ID set up yet: the
        ``biometrics`` rule sets them up and takes them off again); the new device's id. ``expect``: what
        the activation must answer (its password step's refusal), else it must work."""
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
        body = {"username": USER, "password": PASSWORD, "activation_code": code}
        body.update({"passcode": PASSCODE} if ios else {"pin": APP_PIN})
        done = self.client.post(f"/sim/v1/ibkey/{app}/activate", json=body, environ_base={"REMOTE_ADDR": ip})
        _check(done, expect or Expect(200), f"activate(ip={ip})")
        if done.status_code == 200:
            self.app = AppModel(unlock="passcode", passcode_set=True) if ios else AppModel()
        return str(app)

    @precondition(lambda self: self.factor.startswith("ibkey") and self.app.locked and not self.model.roaming)
    @rule(ip=ADDRESSES)
    def reactivate(self, ip: str) -> None:
        """IB Key activated again after the app locked itself (the admin enrols a new one, its code texted,
        the app activated with her password through the login's password step): the old one stops, and a
        login in progress on it with it."""
        model = self.model
        if not model.allowed(ip) or model.throttled(ip) or model.locked():
            return  # not modelled: the enrolment alone stops the old IB Key (authenticators.md), and then
            # the activation's password step refuses, leaving her no IB Key that works
        self.device_id = self.activate_ibkey(ip)
        replace_ibkey(model)
        self.steps.step = None  # a step-up on the old one: not modelled

    @rule(roll=ROLL, ip=ADDRESSES)
    def password_roll(self, roll: int, ip: str) -> None:
        self.password(roll < self.shares[0], ip)

    def password(self, right: bool, ip: str) -> None:
        sent = {"username": USER, "password": PASSWORD if right else PASSWORD + "-wrong"}
        texted = self.login_codes()
        answer = self.client.post("/api/v1/auth/login", json=sent, environ_base={"REMOTE_ADDR": ip})
        expect = self.model.password(right, ip)
        body = _check(answer, expect, f"password(right={right}, ip={ip})")
        self.started = expect.status == 200
        if self.started:
            assert self.model.login is not None and body["expires_at"] == self.model.login.expires_at
            self.txn, self.login_token = body["txn_id"], body["login_token"]
            self.challenge = body["factor"].get("challenge", "")
            self.mode = body["factor"].get("mode", "challenge")
            assert self.mode == self.model.login.mode, body["factor"]
            assert body["factor"].get("reason") == self.model.login.reason, body["factor"]
            if self.mode == "push":
                self.match = body["factor"]["match"]
                notes = self.client.get(f"/sim/v1/ibkey/{self.device_id}/notifications").get_json()
                self.note = next(n for n in notes["notifications"] if n["txn_id"] == self.txn)
            if self.factor == "sms":  # a text roaming lost never arrives: she has no code to type
                codes = self.login_codes()
                arrived = len(codes) > len(texted)
                assert arrived != self.model.texts_lost, (codes, texted)
                self.code = codes[0] if arrived else ""
            self.login_ip = ip

    def login_codes(self, purpose: str = "login") -> list[str]:
        """The codes texted for ``purpose`` in the phone's inbox, newest first."""
        inbox = self.client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
        return [m["code"] for m in inbox if m["purpose"] == purpose]

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

    @precondition(lambda self: self.txn is not None and self.mode == "challenge")
    @rule(roll=ROLL, wrong=st.integers(0, 99_999_999), how=UNLOCKS)
    def verify_roll(self, roll: int, wrong: int, how: str) -> None:
        self.verify(roll < self.shares[1], wrong, how)

    def verify(self, right: bool, wrong: int, how: str = "right") -> None:
        response, right = self.response(self.challenge, self.code, right, wrong, how)
        answer = self.client.post(
            f"/api/v1/auth/login/{self.txn}/verify",
            json={"response": response},
            headers={"X-Login-Token": self.login_token},
            environ_base={"REMOTE_ADDR": self.login_ip},
        )
        expect = self.model.verify(right, self.login_ip)
        body = _check(answer, expect, f"verify(right={right})")
        if expect.status == 200:
            session = self.model.sessions[-1]
            assert body["session"]["idle_expires_at"] == session.idle_expires_at
            assert body["session"]["expires_at"] == session.created_at + self.model.absolute_timeout
            self.tokens.append(body["session"]["token"])

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
            digits, response, right = 8, answered.get_json().get("response", ""), right and refusal is None
        else:
            digits, response = 8, expected_response(self.key, hash_pin(PIN), challenge)
        if not right:
            wrong %= 10**digits
            other = f"{(wrong + 1) % 10**digits:0{digits}d}"
            response = f"{wrong:0{digits}d}" if f"{wrong:0{digits}d}" != response else other
        return response, right

    @rule(ip=ADDRESSES)
    def log_in(self, ip: str) -> None:
        """Both factors right at once, each answer held to the model: most sequences reach sessions."""
        self.password(True, ip)
        if self.started and self.mode == "push":
            self.answer_push("right")
            self.poll()
        elif self.started:
            self.verify(True, 0)

    @precondition(
        lambda self: (
            self.mode == "push"
            and self.model.login
            and self.model.login.push == "pending"
            and not self.model.login.revoked
        )
    )
    @rule(answer=st.sampled_from(["right", "right", "wrong", "deny"]), how=UNLOCKS)
    def answer_push(self, answer: str, how: str = "right") -> None:
        """The app's answer to the latest login's push."""
        assert self.model.login is not None
        self.answer_note(self.note, self.match, answer, how, self.model.login)

    def answer_note(self, note: dict[str, Any], match: str, answer: str, how: str, login: Login) -> None:
        """The app's answer to a push, unlocked as ``how`` says: the number the page shows, another of the
        three, or Deny. From a roaming phone nothing is checked (``phone_offline``); a refused unlock never
        reaches the server."""
        route = "deny" if answer == "deny" else "approve"
        if self.model.roaming:
            body: dict[str, Any] = {"pin": APP_PIN}
            expect: Expect | None = Expect(409, "phone_offline")
        else:
            body, expect = self.open_app(how)
        if answer != "deny":
            body["match"] = match if answer == "right" else next(c for c in note["candidates"] if c != match)
        sent = self.client.post(
            f"/sim/v1/ibkey/{self.device_id}/notifications/{note['id']}/{route}", json=body
        )
        _check(sent, expect or self.model.answer_push(answer, login), f"answer_push({answer}, {how})")

    @precondition(lambda self: self.txn is not None and self.factor.startswith("ibkey"))
    @rule()
    def ask_for_challenge(self) -> None:
        """The login page's *Use Challenge/Response instead*, at any point of the latest login (a push
        waiting, denied, answered, expired; a challenge asked already; the app locked, the IB Key disabled,
        the account locked): the app's challenge, answered by ``verify``."""
        answer = self.client.post(
            f"/api/v1/auth/login/{self.txn}/factor",
            json={"type": "ibkey", "mode": "challenge"},
            headers={"X-Login-Token": self.login_token},
            environ_base={"REMOTE_ADDR": self.login_ip},
        )
        expect = self.model.ask_for_challenge(self.login_ip)
        body = _check(answer, expect, "ask_for_challenge")
        if expect.status == 200:
            factor = body["factor"]
            assert (factor["mode"], factor.get("reason")) == ("challenge", "requested"), factor
            self.mode, self.challenge = "challenge", factor["challenge"]

    @precondition(lambda self: self.mode == "push")
    @rule()
    def poll(self) -> None:
        """The login page's poll of the latest push login, with its binding, from its address."""
        answer = self.client.get(
            f"/api/v1/auth/login/{self.txn}",
            headers={"X-Login-Token": self.login_token},
            environ_base={"REMOTE_ADDR": self.login_ip},
        )
        before = len(self.model.sessions)
        body = _check(answer, self.model.poll(self.login_ip), "poll")
        if len(self.model.sessions) > before:
            session = self.model.sessions[-1]
            assert body["session"]["idle_expires_at"] == session.idle_expires_at, body
            self.tokens.append(body["session"]["token"])
        else:
            assert "session" not in body, body

    @rule(bound=st.booleans())
    def verify_unknown(self, bound: bool) -> None:
        """A response to a login that never was: ``404`` with a binding, ``401`` without (integration.md)."""
        headers = {"X-Login-Token": secrets.token_urlsafe(32)} if bound else {}
        answer = self.client.post(
            f"/api/v1/auth/login/{secrets.token_hex(16)}/verify",
            json={"response": "12345678"},
            headers=headers,
        )
        expect = Expect(404, "unknown_transaction") if bound else Expect(401, "login_binding_required")
        _check(answer, expect, f"verify_unknown(bound={bound})")

    @precondition(lambda self: self.tokens)
    @rule(which=st.integers(0, 100), ip=ADDRESSES)
    def use_session(self, which: int, ip: str) -> None:
        index = which % len(self.tokens)
        answer = self.client.get(
            "/api/v1/session",
            headers={"Authorization": f"Bearer {self.tokens[index]}"},
            environ_base={"REMOTE_ADDR": ip},
        )
        expect = self.model.use(index, ip)
        body = _check(answer, expect, f"use_session({index}, ip={ip})")
        if expect.status == 200:
            assert body["idle_expires_at"] == self.model.sessions[index].idle_expires_at

    @precondition(lambda self: self.tokens)
    @rule(which=st.integers(0, 100), ip=ADDRESSES)
    def tickle(self, which: int, ip: str) -> None:
        """``POST /api/v1/session/tickle``: the keep-alive, judged and answered as ``GET /api/v1/session``."""
        index = which % len(self.tokens)
        answer = self.client.post(
            "/api/v1/session/tickle",
            headers={"Authorization": f"Bearer {self.tokens[index]}"},
            environ_base={"REMOTE_ADDR": ip},
        )
        expect = self.model.use(index, ip)
        body = _check(answer, expect, f"tickle({index}, ip={ip})")
        if expect.status == 200:
            assert body["idle_expires_at"] == self.model.sessions[index].idle_expires_at

    @precondition(lambda self: self.tokens)
    @rule(which=st.integers(0, 100), ip=ADDRESSES)
    def logout(self, which: int, ip: str) -> None:
        index = which % len(self.tokens)
        answer = self.client.post(
            "/api/v1/auth/logout",
            headers={"Authorization": f"Bearer {self.tokens[index]}"},
            environ_base={"REMOTE_ADDR": ip},
        )
        _check(answer, self.model.logout(index, ip), f"logout({index}, ip={ip})")

    def bearer(self, index: int, ip: str) -> dict[str, Any]:
        return {
            "headers": {"Authorization": f"Bearer {self.tokens[index]}"},
            "environ_base": {"REMOTE_ADDR": ip},
        }

    @precondition(lambda self: self.tokens)
    @rule(which=WHICH, ip=ADDRESSES, push=st.booleans())
    def stepup(self, which: int, ip: str, push: bool) -> None:
        """*Verify your identity* for a withdrawal, from a session (mostly the newest): the card's
        challenge, a text, or the IB Key's push or (the broker's procedure) its Challenge Code."""
        index = which % len(self.tokens)
        asked: dict[str, Any] = {"purpose": "withdrawal"}
        push = push and self.model.ibkey
        if self.model.ibkey and not push:
            asked.update(type="ibkey", mode="challenge")
        texted = self.login_codes("withdrawal")
        answer = self.client.post("/api/v1/verify", json=asked, **self.bearer(index, ip))
        expect = self.steps.begin(index, ip, push)
        body = _check(answer, expect, f"stepup({index}, ip={ip}, push={push})")
        if expect.status == 200:
            step = self.steps.step
            assert step is not None
            factor = body["factor"]
            assert (factor.get("mode", "challenge"), factor.get("reason")) == (step.mode, step.reason), factor
            self.step_txn, self.step_challenge = body["txn_id"], factor.get("challenge", "")
            self.step_ip = ip
            if step.mode == "push":
                self.step_match = factor["match"]
                notes = self.client.get(f"/sim/v1/ibkey/{self.device_id}/notifications").get_json()
                self.step_note = next(n for n in notes["notifications"] if n["txn_id"] == self.step_txn)
            if self.factor == "sms":
                codes = self.login_codes("withdrawal")
                arrived = len(codes) > len(texted)
                assert arrived != self.model.texts_lost, (codes, texted)
                self.step_code = codes[0] if arrived else ""

    @precondition(lambda self: self.steps.step is not None and self.steps.step.mode == "push")
    @rule(answer=st.sampled_from(["right", "right", "wrong", "deny"]), how=UNLOCKS)
    def stepup_push(self, answer: str, how: str) -> None:
        """The app's answer to the step-up's push (once: a push is answered once)."""
        step = self.steps.step
        assert step is not None
        if step.push == "pending":
            self.answer_note(self.step_note, self.step_match, answer, how, step)

    @precondition(lambda self: self.steps.step is not None and self.steps.step.mode == "push")
    @rule()
    def stepup_poll(self) -> None:
        """The step-up's poll, ``{"txn_id"}``, with the asking session's token, from where it asked."""
        step = self.steps.step
        assert step is not None
        answer = self.client.post(
            "/api/v1/verify", json={"txn_id": self.step_txn}, **self.bearer(step.session, self.step_ip)
        )
        self.rotated(answer, lambda: self.steps.poll(self.step_ip), "stepup_poll")

    def rotated(self, answer: TestResponse, predict: Callable[[], Expect], step: str) -> None:
        """A step-up's answer held to the model's prediction, and the rotated token kept when it verified."""
        before = len(self.model.sessions)
        body = _check(answer, predict(), step)
        if len(self.model.sessions) > before:
            session = self.model.sessions[-1]
            assert body["session"]["idle_expires_at"] == session.idle_expires_at, body
            assert body["session"]["expires_at"] == session.created_at + self.model.absolute_timeout, body
            self.tokens.append(body["session"]["token"])
        else:
            assert "session" not in body, body

    @precondition(lambda self: self.steps.step is not None and self.steps.step.mode == "challenge")
    @rule(roll=ROLL, wrong=st.integers(0, 99_999_999), how=UNLOCKS)
    def stepup_answer(self, roll: int, wrong: int, how: str) -> None:
        """The step-up's response, with the token of the session that asked, from where it asked."""
        step = self.steps.step
        assert step is not None
        response, right = self.response(
            self.step_challenge, self.step_code, roll < self.shares[1], wrong, how
        )
        answer = self.client.post(
            "/api/v1/verify",
            json={"txn_id": self.step_txn, "response": response},
            **self.bearer(step.session, self.step_ip),
        )
        self.rotated(answer, lambda: self.steps.answer(right, self.step_ip), f"stepup_answer(right={right})")

    @precondition(lambda self: self.tokens)
    @rule(which=WHICH, ip=ADDRESSES, push=st.booleans())
    def verify_identity(self, which: int, ip: str, push: bool) -> None:
        """A step-up answered right at once (approved and polled, or the response typed), then a
        withdrawal, each answer held to the model: most sequences reach a rotated token and a spent one."""
        before = self.steps.step
        self.stepup(which, ip, push)
        step = self.steps.step
        if step is None or step is before:
            return  # refused: no step-up began
        if step.mode == "push":
            self.stepup_push("right", "right")
            self.stepup_poll()
        else:
            self.stepup_answer(0, 0, "right")
        self.withdraw(-1, ip)

    @precondition(lambda self: self.tokens)
    @rule(which=WHICH, ip=ADDRESSES)
    def withdraw(self, which: int, ip: str) -> None:
        """A withdrawal: it needs, and spends, the session's fresh step-up."""
        index = which % len(self.tokens)
        answer = self.client.post("/api/v1/withdrawals", json={"amount": 100}, **self.bearer(index, ip))
        _check(answer, self.steps.withdraw(index, ip), f"withdraw({index}, ip={ip})")

    @rule()
    def unlock(self) -> None:
        answer = self.client.post(f"/admin/v1/users/{USER}/unlock", headers=ADMIN)
        assert answer.status_code == 200, answer.get_json()
        self.model.unlock()

    @rule()
    def unlock_device(self) -> None:
        answer = self.client.post(f"/admin/v1/devices/{self.device_id}/unlock", headers=ADMIN)
        assert answer.status_code == 200, answer.get_json()
        self.model.unlock_device()

    @rule(allowlist=ALLOWLISTS)
    def allowlist(self, allowlist: list[str]) -> None:
        answer = self.client.put(
            f"/admin/v1/users/{USER}/ip-allowlist", json={"ip_allowlist": allowlist}, headers=ADMIN
        )
        assert answer.status_code == 200, answer.get_json()
        self.model.allowlist = list(allowlist)

    @precondition(lambda self: self.factor != "dscplus")
    @rule(roaming=st.booleans(), loses=st.booleans())
    def roam(self, roaming: bool, loses: bool) -> None:
        """Her phone abroad without data or home again; abroad, every text lost or none (the whole set of
        conditions is replaced, so home ends the loss too)."""
        conditions: dict[str, Any] = {"roaming": roaming}
        if roaming and loses:
            conditions["roaming_loses_every"] = 1
        answer = self.client.put(f"/sim/v1/phones/{PHONE}/conditions", json=conditions)
        assert answer.status_code == 200, answer.get_json()
        self.model.roaming, self.model.texts_lost = roaming, roaming and loses

    @precondition(lambda self: self.factor.startswith("ibkey"))
    @rule(times=st.sampled_from([1, 1, 2, 3, APP_PIN_ATTEMPTS]))
    def mistype(self, times: int) -> None:
        """Wrong PINs (or iPhone passcodes) typed at the app's Generate Passcode, a few or ten in a row:
        each refused on the phone and counted there, the tenth locking the app; the server sees nothing."""
        for _ in range(times):
            kind = self.app.unlock
            typed = {kind: SECRETS[kind][1]} if kind != "biometric" else {"biometric": True}
            answer = self.client.post(
                f"/sim/v1/ibkey/{self.device_id}/respond", json={"challenge": "123456", **typed}
            )
            _check(answer, self.app.open(kind, False) or Expect(200), f"mistype({kind})")

    @precondition(lambda self: self.factor == "ibkey-ios")
    @rule(enabled=st.booleans(), right=st.sampled_from([True, True, False]))
    def biometrics(self, enabled: bool, right: bool) -> None:
        """The iPhone's Settings, Face ID & Passcode: set up (the app then asks for Face ID) or removed
        (the passcode again), with the iPhone's passcode, right or not."""
        body = {"enabled": enabled, "passcode": SECRETS["passcode"][0 if right else 1]}
        answer = self.client.put(f"/sim/v1/ibkey/{self.device_id}/biometrics", json=body)
        _check(answer, self.app.set_biometrics(enabled, right), f"biometrics({enabled}, right={right})")

    @rule(seconds=MOVES)
    def move_clock(self, seconds: int) -> None:
        moved = self.client.post("/admin/v1/clock", json={"advance_s": seconds}, headers=ADMIN)
        assert moved.status_code == 200, moved.get_json()
        assert moved.get_json()["now"] == self.model.now + seconds
        self.model.advance(self.model.now + seconds)

    @invariant()
    def lockout_view(self) -> None:
        """The admin's view of the lock says what the answers say."""
        if not hasattr(self, "key"):
            return
        view = self.client.get(f"/admin/v1/users/{USER}/lockout", headers=ADMIN)
        assert view.status_code == 200, view.get_json()
        assert bool(view.get_json().get("locked")) == self.model.locked(), view.get_json()


@pytest.mark.parametrize(
    ("factor", "throttle_limit", "lifetime", "device_limit", "shares"),
    [
        ("dscplus", 1_000_000, ABSOLUTE_TIMEOUT, 10, (3, 4)),
        ("dscplus", 7, ABSOLUTE_TIMEOUT, 10, (3, 3)),
        ("dscplus", 1_000_000, 1500, 4, (5, 1)),
        ("sms", 1_000_000, ABSOLUTE_TIMEOUT, 4, (4, 1)),
        ("ibkey", 1_000_000, ABSOLUTE_TIMEOUT, 4, (4, 2)),
        ("ibkey-ios", 1_000_000, ABSOLUTE_TIMEOUT, 10, (5, 3)),
    ],
    ids=["account", "address-throttle", "short-limits", "sms", "ibkey", "ibkey-ios"],
)
def test_the_login_policy_is_the_documented_one(
    app_config: dict[str, Any],
    factor: str,
    throttle_limit: int,
    lifetime: int,
    device_limit: int,
    shares: tuple[int, int],
) -> None:
    """Default settings, with the address throttle out of reach (the account's policy alone); then low
    enough that the sequences meet it beside the lockout; then a session lifetime and a card's limit of
    wrong responses short enough that the sequences meet them too; then a user whose factor is her phone; then
    one whose factor is an IB Key (pushes, and Challenge/Response past the push limit); then one whose IB
    Key is on an iPhone (its passcode, Face ID set up and removed)."""
    settings = {
        "IP_THROTTLE_LIMIT": throttle_limit,
        "ABSOLUTE_TIMEOUT": lifetime,
        "DEVICE_FAILURE_LIMIT": device_limit,
    }
    app = create_app({**app_config, **settings})
    LoginPolicy.client = app.test_client(use_cookies=False)
    LoginPolicy.shares = shares
    LoginPolicy.factor = factor
    LoginPolicy.limits = {
        "throttle_limit": throttle_limit,
        "absolute_timeout": lifetime,
        "device_limit": device_limit,
        "issue_limit": SMS_SEND_LIMIT if factor == "sms" else CHALLENGE_ISSUE_LIMIT,
    }
    SEEN.clear()
    try:
        run_state_machine_as_test(LoginPolicy, settings=PROFILE)
    finally:
        if "MODEL_EXAMPLES" in os.environ:
            print(
                *(f"{n:6d} {step} {status} {error}" for (step, status, error), n in sorted(SEEN.items())),
                sep="\n",
            )

"""The login model's rules for a session's step-up ("verify your identity") and the withdrawal it allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from login_model import Expect
from model_machine import (
    ADDRESSES,
    ROLL,
    UNLOCKS,
    WHICH,
    ModelMachine,
    _check,
)
from werkzeug.test import TestResponse


class StepUpRules(ModelMachine):
    """A step-up asked from a session, answered (a challenge, a text, a push) and spent by a withdrawal."""

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
                self.step_note = self.note_of(self.step_txn)
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

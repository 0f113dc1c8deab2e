"""The login model's rules for a login: the password, the response or the push's answer, the page's poll,
*Use Challenge/Response instead*, and a response to a login that never was."""

from __future__ import annotations

import secrets

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from login_model import IP_THROTTLE_WINDOW, Expect
from model_machine import (
    ADDRESSES,
    AWAY,
    HOME,
    PASSWORD,
    ROLL,
    UNLOCKS,
    USER,
    ModelMachine,
    _check,
)


class LoginRules(ModelMachine):
    """A login from its password to its session."""

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
                self.note = self.note_of(self.txn)
            if self.factor == "sms":  # a text roaming lost never arrives: she has no code to type
                codes = self.login_codes()
                arrived = len(codes) > len(texted)
                assert arrived != self.model.texts_lost, (codes, texted)
                self.code = codes[0] if arrived else ""
            self.login_ip = ip

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

    @rule(ip=ADDRESSES)
    def log_in(self, ip: str) -> None:
        """Both factors right at once, each answer held to the model: most sequences reach sessions."""
        self.password(True, ip)
        if self.started and self.mode == "push":
            self.answer_push("right")
            self.poll()
        elif self.started:
            self.verify(True, 0)

    @precondition(lambda self: self.factor.startswith("ibkey") and not self.model.roaming)
    @rule(ip=ADDRESSES, right=st.booleans(), login_ip=ADDRESSES)
    def log_in_on_the_old_ibkey(self, ip: str, right: bool, login_ip: str) -> None:
        """IB Key activated again (``activate_again``), and if its password step refused it (a wrong
        password, the allowlist, the address's window, the lock: ``self.refused``), a login at once on the
        IB Key she still holds: its push approved and collected, or its Challenge/Response typed. What
        refused the activation is got past first, as she would (a random sequence seldom reaches the old
        IB Key past a lock or a full window): a lock lifted by the admin's unlock (her call to Client
        Services), an address past its window left for the other one, or the window waited out when both
        are."""
        self.activate_again(ip, right)
        if self.refused is None:
            return
        if self.model.locked():
            self.admin_unlock()
        if self.model.throttled(login_ip):
            login_ip = AWAY if login_ip == HOME else HOME
            if self.model.throttled(login_ip):
                self.advance(IP_THROTTLE_WINDOW)
        self.log_in(login_ip)

    @precondition(
        lambda self: self.mode == "push" and self.model.login and self.model.login.push == "pending"
    )
    @rule(answer=st.sampled_from(["right", "right", "wrong", "deny"]), how=UNLOCKS)
    def answer_push(self, answer: str, how: str = "right") -> None:
        """The app's answer to the latest login's push."""
        assert self.model.login is not None
        self.answer_note(self.note, self.match, answer, how, self.model.login)

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
        expect = self.model.switch(self.login_ip)
        body = _check(answer, expect, "ask_for_challenge")
        if expect.status == 200:
            factor = body["factor"]
            assert (factor["mode"], factor.get("reason")) == ("challenge", "requested"), factor
            self.mode, self.challenge = "challenge", factor["challenge"]

    @precondition(lambda self: self.txn is not None and self.factor == "sms")
    @rule(kind=st.sampled_from(["sms", "sms", "voice"]))
    def resend(self, kind: str) -> None:
        """*Didn't receive a security code?* at any point of the latest login: a new text, or a voice
        callback, one of the login's switches; the code before is dead, the attempts left carry over. A text
        roaming lost never arrives; a call rings wherever the phone is."""
        texted, called = self.login_codes(), self.called_codes()
        answer = self.on_login("POST", "/factor", json={"type": kind})
        expect = self.model.switch(self.login_ip)
        body = _check(answer, expect, f"resend({kind})")
        if expect.status == 200:
            assert self.model.login is not None and body["expires_at"] == self.model.login.expires_at, body
            assert (body["factor"]["type"], body["factor"].get("channel")) == (
                kind,
                kind if kind == "voice" else None,
            )
            codes, before = (self.called_codes(), called) if kind == "voice" else (self.login_codes(), texted)
            arrived = len(codes) > len(before)
            assert arrived != (self.model.texts_lost and kind == "sms"), (codes, before)
            self.old_codes += [self.code] if self.code else []
            self.code = codes[0] if arrived else ""

    @precondition(lambda self: self.txn is not None and self.factor == "sms")
    @rule(kinds=st.lists(st.sampled_from(["sms", "sms", "voice"]), min_size=2, max_size=7))
    def resend_burst(self, kinds: list[str]) -> None:
        """*Didn't receive a security code?* pressed again and again on the latest login, each a text or a
        call: a burst past the login's five switches, so the sequences meet whichever limit comes first,
        the send limit's ``429 rate_limited`` or the switches' ``429 login_exhausted`` (integration.md's two
        429s), and every step of the login after it."""
        for kind in kinds:
            self.resend(kind)

    @precondition(lambda self: self.txn is not None and self.mode == "challenge" and self.old_codes)
    @rule()
    def verify_old_code(self) -> None:
        """A code a new one replaced, typed into the latest login: a wrong response like any other."""
        if self.old_codes[-1] == self.code:
            return  # the new code happens to be the old one: no wrong code to type
        answer = self.on_login("POST", "/verify", json={"response": self.old_codes[-1]})
        _check(answer, self.model.verify(False, self.login_ip), "verify_old_code")

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

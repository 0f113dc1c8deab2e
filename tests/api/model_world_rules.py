"""The login model's rules for what is around a login: a session's use, keep-alive and logout; the admin's
unlocks and IP allowlist; the phone roaming, the app's PIN mistyped, Face ID set up, IB Key activated again;
and the clock."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule
from ibkey_app_model import APP_PIN_ATTEMPTS
from login_model import Expect
from model_machine import (
    ADDRESSES,
    ADMIN,
    ALLOWLISTS,
    MOVES,
    PHONE,
    SECRETS,
    USER,
    ModelMachine,
    _check,
)


class WorldRules(ModelMachine):
    """Sessions used, the admin, the phone and the clock."""

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

    @precondition(lambda self: self.factor.startswith("ibkey") and not self.model.roaming)
    @rule(ip=ADDRESSES, right=st.sampled_from([True, True, True, False]))
    def reactivate(self, ip: str, right: bool = True) -> None:
        """IB Key activated again (``ModelMachine.activate_again``), on a new phone, with her password or a
        wrong one."""
        self.activate_again(ip, right)

    @rule()
    def unlock(self) -> None:
        self.admin_unlock()

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
        self.advance(seconds)

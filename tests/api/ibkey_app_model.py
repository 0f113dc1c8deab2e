"""The IB Key app's own side of the login model, from docs/authenticators.md alone: how the phone unlocks
the app (an Android PIN; an iPhone's Touch ID / Face ID, or its passcode where they are not set up), its
count of wrong PINs or passcodes and the lock it reaches. None of it is the server's: a refusal here never
reaches the login, which still waits (``login_model.Model`` holds the server's side, the phone's roaming
included).
"""

from __future__ import annotations

from dataclasses import dataclass

from login_model import Expect, Login, Model

#: authenticators.md (*iPhone without Touch ID / Face ID*): "10 in a row lock the app as 10 wrong PINs do".
APP_PIN_ATTEMPTS = 10
#: The error, and the field that counts down, of a wrong secret of each kind.
WRONG = {"pin": ("wrong_pin", "pin_attempts_left"), "passcode": ("wrong_passcode", "passcode_attempts_left")}


@dataclass
class AppModel:
    unlock: str = "pin"
    """What the app asks for: ``pin`` (Android), ``biometric`` or ``passcode`` (iOS)."""
    failures: int = 0
    """Wrong PINs (or iPhone passcodes) in a row."""
    passcode_set: bool = False
    """An iPhone that has been given a passcode (at activation, or its first Settings change)."""

    @property
    def locked(self) -> bool:
        """The app's own lock: it answers nothing until IB Key is activated again."""
        return self.failures >= APP_PIN_ATTEMPTS

    def open(self, kind: str, right: bool) -> Expect | None:
        """The app unlocked with ``kind`` (``pin``, ``biometric`` or ``passcode``), the right secret or not:
        ``None`` when it opens, else the phone's refusal. A locked app refuses first, whatever is offered;
        the wrong kind is a 400 naming the one the phone asks for, counting nothing; a wrong secret counts
        and the tenth locks the app (that answer is still the wrong secret's, with nothing left)."""
        if self.locked:
            return Expect(423, "app_locked")
        if kind != self.unlock:
            return Expect(400, "invalid_request", {"field": self.unlock})
        if kind == "biometric":
            return None
        if right:
            self.failures = 0
            return None
        self.failures += 1
        error, left = WRONG[kind]
        return Expect(403, error, {left: APP_PIN_ATTEMPTS - self.failures})

    def set_biometrics(self, enabled: bool, right: bool) -> Expect:
        """The iPhone's Settings, Face ID & Passcode: iOS asks for the passcode either way; a wrong one
        counts as at an unlock (the first one given to an iPhone that had none becomes its passcode)."""
        if self.locked:
            return Expect(423, "app_locked")
        if not self.passcode_set:
            self.passcode_set = right = True
        if not right:
            self.failures += 1
            return Expect(403, "wrong_passcode", {"passcode_attempts_left": APP_PIN_ATTEMPTS - self.failures})
        self.failures = 0
        self.unlock = "biometric" if enabled else "passcode"
        return Expect(200)


def replace_ibkey(model: Model, step: Login | None) -> None:
    """A new IB Key activated for her (a new enrolment, its code texted, the app activated with her
    password; the enrolment alone stops nothing): the old one stops at once, so the login and the step-up
    still in progress on it are marked (security.md: ``logins_device_revoked.lua``), and the new device has
    no wrong responses counted. A marked one is left pending: a response is ``403 device_inactive``, a
    login may switch (to the new one), a step-up only waits for its expiry; an approval not collected ends
    (a login's poll says ``expired`` with ``reason: device_revoked``, a step-up's ``expired``)."""
    model.device_failures = 0
    for login in (model.login, step):
        in_progress = login and not (login.done or login.exhausted or login.attempts_left == 0)
        if login and in_progress and login.push == "approved":
            login.push = "device_revoked"
        elif login and in_progress and login.push in ("pending", "withdrawn"):
            login.revoked = True

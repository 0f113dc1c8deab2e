"""A TOTP authenticator app as a factor: provision it with an otpauth:// URI, check the codes it shows.

Nothing is issued at login: the app computes the code from the shared secret and the time. The server
checks against *its* clock (the one ``/admin/v1/clock`` moves), never a time the client sends, and allows
one step of drift either way. Each accepted step is recorded and only later steps are accepted after it
(RFC 6238 section 5.2, RFC 4226's counter that never moves back), atomically in Redis: a code, once used,
is dead on every worker. A right code whose step is spent is a replay (409 ``challenge_used``,
:class:`~.errors.CodeReplayed`), never a wrong response: it costs the login no attempt and the app no failure.
"""

from __future__ import annotations

import hmac
import io
import re
from collections.abc import Mapping
from typing import Any

import segno

from sls_devices.otp import hotp, time_step
from sls_devices.totp import DEFAULT_ISSUER, DIGITS, KEY_BYTES, MAX_PERIOD, MIN_PERIOD, TotpApp

from ..errors import InvalidRequest
from ..secretbox import SealError, SecretBox
from ..store.records import CorruptRecord, DeviceChanges, DeviceRecord, LoginTxn
from ..store.totp import TotpRepo
from . import Begin, Enrolment, Prompt, SealedField, sealed_to
from .errors import CodeReplayed

#: Steps of clock drift tolerated either side of the server's current step (RFC 6238 section 5.2).
DRIFT_STEPS = 1


def qr_svg(uri: str) -> str:
    """A small standalone SVG of the QR code (with its namespace, so it works in a page or as a file)."""
    code = segno.make(uri, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, scale=4, title="TOTP provisioning")
    return out.getvalue().decode("utf-8")


def _int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(f"{name} must be an integer", field=name)
    return value


def parse_params(params: Mapping[str, Any]) -> tuple[str, int, int]:
    """``(algorithm, digits, period)`` from the enrolment body, each refused by name when out of range."""
    algorithm = params.get("algorithm", "sha1")
    if not isinstance(algorithm, str) or algorithm.lower() not in KEY_BYTES:
        raise InvalidRequest(f"algorithm must be one of {', '.join(KEY_BYTES)}", field="algorithm")
    digits = _int_param(params, "digits", 6)
    if digits not in DIGITS:
        raise InvalidRequest(f"digits must be one of {', '.join(map(str, DIGITS))}", field="digits")
    period = _int_param(params, "period", 30)
    if not MIN_PERIOD <= period <= MAX_PERIOD:
        # NIST SP 800-63B: a time-based OTP must change at least every two minutes.
        raise InvalidRequest(f"period must be between {MIN_PERIOD} and {MAX_PERIOD} seconds", field="period")
    return algorithm.lower(), digits, period


class TotpFactor:
    type = "totp"
    title = "authenticator app"
    notice_name = title
    #: Apps differ in length (6 or 8); ``check`` holds each device to its own.
    response_pattern = re.compile(r"^[0-9]{6,8}$")
    response_form = "6 or 8 digits"
    device_types: tuple[str, ...] = ("totp",)
    sealed_field: SealedField | None = "sealed"

    def __init__(self, box: SecretBox, repo: TotpRepo, *, issuer: str = DEFAULT_ISSUER) -> None:
        self._box = box
        self._repo = repo
        self._issuer = issuer

    def enrol(self, device_id: str, username: str, params: Mapping[str, Any], *, now: int) -> Enrolment:
        algorithm, digits, period = parse_params(params)
        app = TotpApp.new(
            algorithm=algorithm, digits=digits, period=period, issuer=self._issuer, account=username
        )
        record: DeviceChanges = {
            "algorithm": algorithm,
            "digits": digits,
            "period": period,
            "sealed": self._box.seal(app.secret, context=sealed_to(self.type, device_id)),
        }
        uri = app.provisioning_uri()
        once = {
            "otpauth_uri": uri,
            "secret_b32": app.secret_b32,
            "digits": digits,
            "algorithm": algorithm,
            "period": period,
            "qr_svg": qr_svg(uri),
        }
        return Enrolment(record, once)

    def app_of(self, device: DeviceRecord, *, account: str) -> TotpApp:
        """The authenticator app holding this device's secret: what the simulated phone shows codes from."""
        digits, period, algorithm, sealed = device.digits, device.period, device.algorithm, device.sealed
        if digits is None or period is None or algorithm is None or sealed is None:
            raise CorruptRecord(f"TOTP device {device.device_id} lacks its parameters")
        secret = self._box.open(sealed, context=sealed_to(self.type, device.device_id))
        return TotpApp(
            secret, digits=digits, period=period, algorithm=algorithm, issuer=self._issuer, account=account
        )

    def check_stored(self, device: DeviceRecord) -> None:
        try:
            self.app_of(device, account=device.owner)  # the app's own checks: algorithm, digits, period, key
        except (SealError, CorruptRecord):
            raise ValueError("its sealed secret does not open, or its parameters are missing") from None

    def begin(self, device: DeviceRecord, step: Begin) -> Prompt:
        """Nothing to issue or remember: the app shows the code; the page says how long it is."""
        return Prompt({"digits": device.digits, "period": device.period}, {})

    def check(self, device: DeviceRecord, txn: LoginTxn, response: str, *, now: int) -> bool:
        digits, period, algorithm, sealed = device.digits, device.period, device.algorithm, device.sealed
        if digits is None or period is None or algorithm is None or sealed is None:
            raise CorruptRecord(f"TOTP device {device.device_id} lacks its parameters")
        if len(response) != digits:
            return False
        key = self._box.open(sealed, context=sealed_to(self.type, device.device_id))
        current = time_step(now, period)
        matched: list[int] = []
        for step in range(max(current - DRIFT_STEPS, 0), current + DRIFT_STEPS + 1):
            # Every candidate is computed and compared, so timing does not tell which step matched.
            expected = hotp(key, step, digits=digits, algorithm=algorithm)
            if hmac.compare_digest(expected.encode(), response.encode()):
                matched.append(step)
        if not matched:
            return False
        # Oldest first: a code that (by a one-in-a-million chance) matches two steps spends the earlier one.
        if any(
            self._repo.accept_step(device.device_id, step, current=current, drift=DRIFT_STEPS)
            for step in matched
        ):
            return True
        # The right code, but its step is spent: a replay, not a wrong guess. Raised before the login settles
        # anything, so it spends no attempt and counts no failure on the app (nor locks it).
        raise CodeReplayed()

"""A TOTP authenticator app (Google Authenticator, Aegis, 1Password...) as a pure model.

The app holds a shared secret and shows ``totp_at(secret, now)``. It is provisioned by scanning an
``otpauth://totp/...`` URI (the de-facto Key URI Format those apps read). No clock: the time is always
passed in, so the server and the tests decide what "now" is.

Defaults are SHA-1, 6 digits, 30 s because that is the one combination every common app and automation
tool accepts (several ignore ``algorithm``/``digits``/``period`` and silently compute the defaults);
SHA-256/512 and 8 digits are selectable. Keys default to the hash's output length (RFC 4226 section 4
and RFC 6238's reference seeds: 20/32/64 bytes) and are never under 112 bits (NIST SP 800-63B-4
section 3.1.4.1).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from .otp import ALGORITHMS, b32, time_step, totp_at

__all__ = [
    "DEFAULT_ISSUER",
    "DIGITS",
    "KEY_BYTES",
    "MAX_PERIOD",
    "MIN_KEY_BYTES",
    "MIN_PERIOD",
    "TotpApp",
]

#: Default key length per hash: the HMAC output length, as in RFC 6238's reference seeds.
KEY_BYTES = {"sha1": 20, "sha256": 32, "sha512": 64}
MIN_KEY_BYTES = 14  # 112 bits
DIGITS = (6, 8)
#: A step under 15 s leaves too little time to type a code; over 120 s breaks NIST's two-minute rule.
MIN_PERIOD = 15
MAX_PERIOD = 120
DEFAULT_ISSUER = "sls-emulator"


@dataclass(frozen=True)
class TotpApp:
    """One account in an authenticator app. The secret stays out of ``repr`` so it never reaches a log."""

    secret: bytes = field(repr=False)
    digits: int = 6
    period: int = 30
    algorithm: str = "sha1"
    issuer: str = DEFAULT_ISSUER
    account: str = "alice"

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {', '.join(ALGORITHMS)}, not {self.algorithm!r}")
        if len(self.secret) < MIN_KEY_BYTES:
            raise ValueError(f"the secret must be at least {MIN_KEY_BYTES} bytes (112 bits)")
        if self.digits not in DIGITS:
            raise ValueError(f"digits must be one of {DIGITS}, not {self.digits!r}")
        if isinstance(self.period, bool) or not MIN_PERIOD <= self.period <= MAX_PERIOD:
            raise ValueError(f"period must be between {MIN_PERIOD} and {MAX_PERIOD} seconds")
        for name, value in (("issuer", self.issuer), ("account", self.account)):
            # The URI label is "issuer:account": a colon in either would make it ambiguous.
            if not value or ":" in value:
                raise ValueError(f"{name} must be non-empty and contain no ':'")

    @classmethod
    def new(
        cls,
        *,
        algorithm: str = "sha1",
        digits: int = 6,
        period: int = 30,
        issuer: str = DEFAULT_ISSUER,
        account: str = "alice",
    ) -> TotpApp:
        """A freshly provisioned account with a random secret as long as the hash's output."""
        if algorithm not in KEY_BYTES:
            raise ValueError(f"algorithm must be one of {', '.join(KEY_BYTES)}, not {algorithm!r}")
        return cls(
            secrets.token_bytes(KEY_BYTES[algorithm]),
            digits=digits,
            period=period,
            algorithm=algorithm,
            issuer=issuer,
            account=account,
        )

    @property
    def secret_b32(self) -> str:
        """The secret as people type it into an app by hand: unpadded base32."""
        return b32(self.secret)

    def step(self, unix_time: int) -> int:
        """The RFC 6238 time step the app is in at ``unix_time``."""
        return time_step(unix_time, self.period)

    def code(self, unix_time: int) -> str:
        """What the app's screen shows at ``unix_time``."""
        return totp_at(
            self.secret, unix_time, period=self.period, digits=self.digits, algorithm=self.algorithm
        )

    def provisioning_uri(self) -> str:
        """The ``otpauth://`` URI a QR code carries, with every parameter explicit (see the module doc)."""
        label = f"{quote(self.issuer, safe='')}:{quote(self.account, safe='')}"
        query = urlencode(
            {
                "secret": self.secret_b32,
                "issuer": self.issuer,
                "algorithm": self.algorithm.upper(),
                "digits": self.digits,
                "period": self.period,
            },
            quote_via=quote,
        )
        return f"otpauth://totp/{label}?{query}"

"""The broker's login rules: the password step and its checks (IP rules, lockout), second-factor steps, the
login flow, step-up ("verify your identity") and sessions.

May import accounts, factors, store, events, errors, clock and config; never Flask, http or sim. The
simulated user's side (``sim``) uses only what this package exports here.
"""

from __future__ import annotations

from .errors import InvalidResponse
from .password_step import PasswordStep
from .second_factor import SecondFactor
from .suspicious import Suspicion, sign_in_text

__all__ = ["InvalidResponse", "PasswordStep", "SecondFactor", "Suspicion", "sign_in_text"]

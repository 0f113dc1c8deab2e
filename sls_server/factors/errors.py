"""What the second factors refuse: device types, challenge and push limits, replayed app codes, IB Key
activation codes.

Named and placed by the rule in CONTRIBUTING.md ("Errors"); the hierarchy is ``sls_server.errors``.
"""

from __future__ import annotations

from ..errors import Conflict, SlsError


class UnsupportedDeviceType(SlsError):
    code = "unsupported_device_type"
    status = 400


class ChallengeLimited(SlsError):
    code = "rate_limited"
    status = 429
    always = ("retry_after",)
    message = "Too many challenges were issued for this authenticator or account lately; wait and try again."


class ChallengeSpaceExhausted(Conflict):
    """A card or an IB Key has answered so many challenges that no fresh one could be drawn (each factor
    says which, and what to do)."""

    code = "challenge_space_exhausted"
    message = "No challenge this authenticator does not remember could be drawn; try again."


class CodeReplayed(Conflict):
    """A right authenticator-app code whose time step was accepted already, or is older than one accepted
    (RFC 6238 section 5.2): the contract's replayed response, as a DSC+ challenge answered twice is
    (``auth.errors.ChallengeUsed``). No wrong guess, so it spends no attempt and counts no failure on the
    app: counted as one, a code typed twice (or a phone ahead of the server) disabled the app after ten."""

    code = "challenge_used"
    message = "This code (or a later one) was used already; wait for the app's next code."


class InvalidActivationCode(SlsError):
    code = "invalid_activation_code"
    status = 401
    message = "The activation code is wrong."


class ActivationCodeExpired(SlsError):
    code = "activation_code_expired"
    status = 410
    message = "The activation code has expired or was spent by wrong tries; enrol the device again."


class ActivationTriesSpent(SlsError):
    """Wrong activation codes (or card responses) at the user's new IB Keys, whichever code, reached the
    day's limit: a new code (a new migration, another Add User) gives no fresh guesses."""

    code = "rate_limited"
    status = 429
    always = ("retry_after",)
    message = "Too many wrong activation codes for this user lately; wait, or ask Client Services."


class ActivationCodeUsed(Conflict):
    code = "activation_code_used"
    message = "This IB Key is already activated; its activation code cannot be used again."

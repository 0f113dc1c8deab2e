"""The staged guessing attacks (:mod:`.attacks`): password spray, brute force and credential stuffing. None
knows the victim's password; each guesses from :data:`COMMON_PASSWORDS`, and what stops it is the
per-address throttle or the per-account lockout, as the services answered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .attack_report import Report, attempt

if TYPE_CHECKING:
    from ..wiring import Core

#: Passwords every spray and stuffing list starts with (all refused by the password policy, so never real).
COMMON_PASSWORDS = (
    "123456", "password", "Winter2025!", "qwerty123", "letmein1", "Summer2024", "Password1!",
    "iloveyou", "trading123", "Welcome1", "monkey123", "dragon2024",
)  # fmt: skip
#: The names a spray tries besides its victim: made up, so a spray never leaves failures on another real
#: account of the class (each would then lock after fewer typos in the next demo).
DECOY_USERS = (
    "admin", "trader1", "jsmith", "test", "support", "backoffice", "mwilson", "demo", "info", "guest",
)  # fmt: skip
#: The attackers' addresses: documentation ranges, none in 203.0.113.0/24, the office the demo's office-olga
#: may log in from, so her allowlist refuses every staged attack as it would a stranger's.
SPRAY_IP = "198.51.100.23"
BRUTE_IP = "198.51.100.66"
#: Credential stuffing's first address; each guess comes from the next one.
STUFFING_BASE = "192.0.2."


def password_spray(core: Core, report: Report, *, now: int) -> None:
    """A few common passwords across many accounts from one address: the per-address throttle stops it.
    The accounts are the victim and made-up names (:data:`DECOY_USERS`, none a real user), and the report
    says what failures the victim is left with: the spray damages no one the trainer did not pick."""
    real = set(core.users.names())
    targets = [report.target, *(name for name in DECOY_USERS if name not in real)]
    budget = core.settings.ip_throttle_limit + 5
    for password in COMMON_PASSWORDS:
        for user in targets:
            if report.attempts >= budget:
                break
            attempt(core, report, user, password, SPRAY_IP, now=now)
    limit = core.settings.ip_throttle_limit
    report.guessed(
        f"{report.attempts} guesses over {len(targets)} accounts from {SPRAY_IP} ({report.target} and "
        f"{len(targets) - 1} made-up names)",
        defence=f"after {limit} failures the address is throttled (429 rate_limited)",
        acted="rate_limited",
    )
    _say_failures_left(core, report, now=now)


def _say_failures_left(core: Core, report: Report, *, now: int) -> None:
    """The failed sign-ins a guessing attack left on the victim short of a lock: they count towards the
    next lock (a brute force, or the victim's own typos), until Clear in the console's Users table."""
    state = core.lockout.status(report.target, now=now)
    if state["locked"]:
        return
    left = max((b["failures"] for b in state["buckets"].values()), default=0)
    if left:
        threshold = core.settings.lockout_threshold
        report.lines.append(
            f"{report.target} is left with {left} failed sign-in{'s' if left != 1 else ''}, which count "
            f"towards the lock at {threshold}: Clear in Users (or sls user unlock {report.target}) "
            "resets them."
        )


def brute_force(core: Core, report: Report, *, now: int) -> None:
    """Many passwords against one account from one address: the account locks."""
    for password in COMMON_PASSWORDS[: core.settings.lockout_threshold + 3]:
        attempt(core, report, report.target, password, BRUTE_IP, now=now)
    threshold = core.settings.lockout_threshold
    report.guessed(
        f"{report.attempts} guesses at {report.target} from {BRUTE_IP}",
        defence=f"the account locks after {threshold} (423 account_locked, whatever the password)",
        acted="account_locked",
    )


def credential_stuffing(core: Core, report: Report, *, now: int) -> None:
    """Leaked passwords from many addresses, one guess each: no address throttled, the account locks."""
    for i, password in enumerate(COMMON_PASSWORDS[: core.settings.lockout_threshold + 4]):
        attempt(core, report, report.target, password, f"{STUFFING_BASE}{10 + i}", now=now)
    report.guessed(
        f"{report.attempts} guesses at {report.target}, each from another address ({STUFFING_BASE}10-"
        f"{9 + report.attempts})",
        defence="no address is throttled, but the account lock counts them all",
        acted="account_locked",
    )

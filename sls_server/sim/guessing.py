"""The staged guessing attacks (:mod:`.attacks`): password spray, brute force and credential stuffing. None
knows the victim's password; each guesses from :data:`COMMON_PASSWORDS`, and what stops it is the
per-address throttle or the per-account lockout, as the services answered."""

from __future__ import annotations

from dataclasses import dataclass
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


def stuffing_addresses(core: Core) -> list[str]:
    """Credential stuffing's addresses, one per guess (:func:`credential_stuffing`)."""
    guesses = len(COMMON_PASSWORDS[: core.settings.lockout_threshold + 4])
    return [f"{STUFFING_BASE}{10 + i}" for i in range(guesses)]


def password_spray(core: Core, report: Report, *, now: int) -> None:
    """A few common passwords across many accounts from one address: the per-address throttle stops it.
    The accounts are the victim and made-up names (:data:`DECOY_USERS`, none a real user), and the report
    says what failures the victim is left with: the spray damages no one the trainer did not pick. A lock on
    a made-up name is said as such, and a throttle the address still had from an earlier attack too: a class
    would read either as this spray's doing on the victim."""
    real = set(core.users.names())
    targets = [report.target, *(name for name in DECOY_USERS if name not in real)]
    budget = core.settings.ip_throttle_limit + 5
    earlier = _Earlier.read(core, report.target, now=now)
    throttled_first = False
    made_up_locked = victim_locked = 0
    for password in COMMON_PASSWORDS:
        for user in targets:
            if report.attempts >= budget:
                break
            locked = report.outcomes["account_locked"]
            attempt(core, report, user, password, SPRAY_IP, now=now)
            throttled_first = throttled_first or (
                report.attempts == 1 and report.outcomes["rate_limited"] > 0
            )
            if report.outcomes["account_locked"] > locked:
                made_up_locked += user != report.target
                victim_locked += user == report.target
    limit = core.settings.ip_throttle_limit
    if throttled_first:
        wait = -(-report.waits.get("RateLimited", 0) // 60)
        defence = (
            f"{SPRAY_IP} was still throttled by an earlier spray from it when this one began, so its guesses "
            f"were refused from the first (429 rate_limited; the throttle lifts in about {wait} min)"
        )
    else:
        defence = f"after {limit} failures the address is throttled (429 rate_limited)"
    if made_up_locked:
        report.relabel(
            "account_locked",
            made_up_locked,
            "a made-up name this spray's guesses had locked (not a real account) is refused, whatever the "
            "password",
        )
    if victim_locked:
        report.relabel(
            "account_locked", victim_locked, f"{report.target}'s account is locked, whatever the password"
        )
    report.guessed(
        f"{report.attempts} guesses over {len(targets)} accounts from {SPRAY_IP} ({report.target} and "
        f"{len(targets) - 1} made-up names)",
        defence=defence,
        acted="rate_limited",
    )
    _say_failures_left(core, report, earlier, now=now)


@dataclass(frozen=True)
class _Earlier:
    """What earlier attacks left on the victim's account before this one began: a lock, or failed sign-ins
    short of one (they count towards the next lock)."""

    locked: bool
    failures: int

    @classmethod
    def read(cls, core: Core, username: str, *, now: int) -> _Earlier:
        state = core.lockout.status(username, now=now)
        left = max((b["failures"] for b in state["buckets"].values()), default=0)
        return cls(bool(state["locked"]), 0 if state["locked"] else left)


def _say_failures_left(core: Core, report: Report, earlier: _Earlier, *, now: int) -> None:
    """The failed sign-ins a guessing attack left on the victim short of a lock: they count towards the
    next lock (a brute force, or the victim's own typos), until Clear in the console's Users table."""
    state = core.lockout.status(report.target, now=now)
    if state["locked"]:
        return
    left = max((b["failures"] for b in state["buckets"].values()), default=0)
    if left:
        threshold = core.settings.lockout_threshold
        before = f" ({earlier.failures} of them from before this attack)" if earlier.failures else ""
        report.lines.append(
            f"{report.target} is left with {left} failed sign-in{'s' if left != 1 else ''}{before}, which "
            f"count towards the lock at {threshold}: Clear in Users (or sls user unlock {report.target}) "
            "resets them."
        )


def _lock_defence(core: Core, report: Report, earlier: _Earlier, said: str) -> str:
    """The lock's clause of a report, as it acted: ``said`` (the lock's rule), unless earlier failures made
    it lock after fewer of this attack's guesses. A lock from before never gets here: the attack is not run
    (:mod:`.prior_lock`)."""
    if earlier.failures:
        wrong = report.outcomes["invalid_credentials"]
        return (
            f"{said}; {report.target} already had {earlier.failures} failed sign-in"
            f"{'s' if earlier.failures != 1 else ''} from an earlier attack, so it locked after {wrong} more "
            "of this one's"
        )
    return said


def brute_force(core: Core, report: Report, *, now: int) -> None:
    """Many passwords against one account from one address: the account locks."""
    earlier = _Earlier.read(core, report.target, now=now)
    for password in COMMON_PASSWORDS[: core.settings.lockout_threshold + 3]:
        attempt(core, report, report.target, password, BRUTE_IP, now=now)
    threshold = core.settings.lockout_threshold
    said = f"the account locks after {threshold} (423 account_locked, whatever the password)"
    report.guessed(
        f"{report.attempts} guesses at {report.target} from {BRUTE_IP}",
        defence=_lock_defence(core, report, earlier, said),
        acted="account_locked",
    )


def credential_stuffing(core: Core, report: Report, *, now: int) -> None:
    """Leaked passwords from many addresses, one guess each: no address throttled, the account locks."""
    earlier = _Earlier.read(core, report.target, now=now)
    for password, ip in zip(COMMON_PASSWORDS, stuffing_addresses(core), strict=False):
        attempt(core, report, report.target, password, ip, now=now)
    report.guessed(
        f"{report.attempts} guesses at {report.target}, each from another address ({STUFFING_BASE}10-"
        f"{9 + report.attempts})",
        defence=_lock_defence(
            core, report, earlier, "no address is throttled, but the account lock counts them all"
        ),
        acted="account_locked",
    )

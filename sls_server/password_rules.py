"""The rules a chosen password must meet (length, the username, one character repeated, a run like abcd, the
blocklist of common passwords), as one pure function both sides judge by: the server's policy
(``accounts.passwords.check_password_policy``, which raises with its answer) and a scenario's validation
(``sls_scenarios.setup_checks``: a setup user's password refused at its line, not by every run's setup).

Here, beneath the core and the scenarios alike and pure (the standard library, and the blocklist shipped
in ``sls_server/data``), as ``ipnets`` is for addresses: a copy of the rules in the scenarios would drift
from the server's. The policy follows NIST SP 800-63B-4 §3.1.1.2 and OWASP ASVS 5.0 §6.2: length in Unicode
code points after NFKC normalization, a blocklist of common/context-specific passwords, no composition rules.
"""

from __future__ import annotations

import string
import unicodedata
from functools import cache
from importlib import resources
from itertools import pairwise

MIN_LENGTH = 8
MAX_LENGTH = 128

# Usernames shorter than this are only rejected on exact match: "contains" checks with very short
# usernames ("al", "bob") would reject many unrelated passwords.
_MIN_EMBEDDED_USERNAME = 4
# Stripped from the end before the second blocklist lookup, so "Password123!" counts as "password".
_TRAILING_NOISE = string.digits + string.punctuation + string.whitespace


def normalize(password: str) -> str:
    """Return the NFKC form, so visually identical input (fullwidth, composed vs. decomposed
    characters, as produced by different keyboards/IMEs) hashes identically (NIST 800-63B)."""
    if not isinstance(password, str):
        raise TypeError(f"password must be str, not {type(password).__name__}")
    return unicodedata.normalize("NFKC", password)


def refusal(password: str, *, username: str) -> tuple[str, str] | None:
    """Why ``username`` may not choose ``password``: a stable reason code and a message for people, never
    built from the password (it even avoids the word "password", itself a refused one), so safe to log and
    to answer; None when the policy takes it.

    Deliberately no composition rules (digits, symbols, mixed case): NIST 800-63B-4 forbids them
    because they push users to predictable patterns; length and the blocklist do the work.
    """
    if not isinstance(username, str):
        raise TypeError(f"username must be str, not {type(username).__name__}")
    pw = normalize(password)
    if len(pw) < MIN_LENGTH:
        return "too_short", f"Too short: use at least {MIN_LENGTH} characters."
    if len(pw) > MAX_LENGTH:
        return "too_long", f"Too long: use at most {MAX_LENGTH} characters."
    lowered = pw.lower()
    user = normalize(username).strip().lower()
    if user and (lowered == user or (len(user) >= _MIN_EMBEDDED_USERNAME and user in lowered)):
        return "contains_username", "Must not contain the username."
    if len(set(lowered)) == 1:
        return "repetitive", "Must not be one character repeated."
    if _is_sequential(lowered, 1) or _is_sequential(lowered, -1):
        return "sequential", "Must not be a run of consecutive characters like abcd or 4321."
    blocked = _blocklist()
    if lowered in blocked or lowered.rstrip(_TRAILING_NOISE) in blocked:
        return "blocklisted", "Too common or easy to guess: choose something else."
    return None


@cache
def _blocklist() -> frozenset[str]:
    """Load the built-in blocklist once. Lines starting with '#' and blank lines are ignored."""
    text = resources.files("sls_server").joinpath("data", "common_passwords.txt").read_text("utf-8")
    entries = (normalize(line.strip()).lower() for line in text.splitlines())
    return frozenset(e for e in entries if e and not e.startswith("#"))


def _is_sequential(text: str, step: int) -> bool:
    """True if every character is ``step`` code points after the previous one.

    ASCII digits wrap around (…8, 9, 0, 1…) because "78901234" is typed as a run on keyboards.
    """
    for a, b in pairwise(text):
        if a in string.digits and b in string.digits:
            if (int(b) - int(a)) % 10 != step % 10:
                return False
        elif ord(b) - ord(a) != step:
            return False
    return True

"""ASVS 5.0 6.5.3 and 11.5.1, NIST 800-63B-4 §3.2.12: every secret the server or a simulated device draws
(card keys, challenges, SMS and activation codes, push nonces, session and login tokens) comes from the
operating system's CSPRNG (`secrets`, `os.urandom`), never from the `random` module's Mersenne Twister, whose
output a few hundred samples predict. Held by reading the source: no module of the product imports it."""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from sls_server.factors import challenges, sms
from sls_server.factors.ibkey.factor import draw_nonce, draw_numbers

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("sls_server", "sls_devices")
#: Draws that are no secret: the log lines' request id (``http/observe.py``), a handle to match lines by.
NOT_SECRET = {"sls_server/telemetry/requestid.py"}  # the log lines' request id: a handle, no secret


def _imports_random(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        plain = isinstance(node, ast.Import) and any(a.name.split(".")[0] == "random" for a in node.names)
        named = (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "random"
        )
        if plain or named:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_draws_from_the_random_module(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert len(files) > 5, f"{package} was found"
    found = {
        str(path.relative_to(ROOT)): lines
        for path in files
        if str(path.relative_to(ROOT)) not in NOT_SECRET
        and (lines := _imports_random(ast.parse(path.read_text("utf-8"), str(path))))
    }
    assert found == {}, "use secrets (or os.urandom), not random"
    assert all((ROOT / name).is_file() for name in NOT_SECRET), "an exception for a file no longer there"


def test_the_check_sees_each_form_of_import() -> None:
    for source in ("import random", "import random as r", "from random import randint", "import os, random"):
        assert _imports_random(ast.parse(source)) == [1], source
    assert _imports_random(ast.parse("import secrets\nfrom .random import x")) == []


@pytest.mark.parametrize("draw", [sms.new_code, challenges.new_challenge], ids=["sms code", "card challenge"])
def test_codes_are_six_digits_drawn_evenly(draw: Callable[[], str]) -> None:
    """ASVS 5.0 6.5.3 and 6.5.4, NIST 800-63B-4 §3.1.3.2: 10,000 texted codes (and card challenges) are all
    six digits, nearly all distinct, and each position's digits spread as a uniform draw spreads them: a
    chi-square of the ten counts under 50 (p = 1e-7 with 9 degrees of freedom: a sound generator fails about
    one run in a million, all twelve positions counted), which a skewed draw fails: ``randbelow(2**20) %
    10**6`` puts a 0 first in 14 % of its codes, a chi-square near 240."""
    drawn = [draw() for _ in range(10_000)]
    assert all(re.fullmatch(r"\d{6}", code) for code in drawn)
    assert len(set(drawn)) > 9_900  # of a million codes, ~50 repeats are expected among 10,000
    for position in range(6):
        counts = Counter(code[position] for code in drawn)
        expected = len(drawn) / 10
        chi_square = sum((counts[str(d)] - expected) ** 2 / expected for d in range(10))
        assert chi_square < 50, (position, sorted(counts.items()))


def test_push_nonces_are_256_bits_all_distinct_and_evenly_spread() -> None:
    """The API test sees three nonces, all the push limit lets a login draw; here 10,000 from the function
    the factor calls: 32 bytes each, no repeat, and the byte values spread as a uniform draw spreads them
    (a chi-square of the 256 counts under 400: p = 2e-8 with 255 degrees of freedom), which a nonce with a
    fixed or counted part fails."""
    drawn = [draw_nonce() for _ in range(10_000)]
    assert all(len(bytes.fromhex(nonce)) == 32 for nonce in drawn)
    assert len(set(drawn)) == len(drawn)
    counts = Counter(b for nonce in drawn for b in bytes.fromhex(nonce))
    expected = 32 * len(drawn) / 256
    chi_square = sum((counts[value] - expected) ** 2 / expected for value in range(256))
    assert chi_square < 400, chi_square


def test_number_matching_offers_three_distinct_numbers_the_shown_one_among_them_evenly_drawn() -> None:
    """A blind pick must be right one time in three, and no number likelier than another: the shown number
    spreads evenly over 10..99 (chi-square of the 90 counts under 190: p = 3e-9 with 89 degrees of freedom)
    and sits at each of the three places about as often."""
    draws = [draw_numbers() for _ in range(9_000)]
    for match, shown in draws:
        assert len(set(shown)) == 3 and match in shown
        assert all(10 <= int(n) <= 99 for n in shown)
    counts = Counter(int(match) for match, _ in draws)
    expected = len(draws) / 90
    chi_square = sum((counts[n] - expected) ** 2 / expected for n in range(10, 100))
    assert chi_square < 190, chi_square
    places = Counter(shown.index(match) for match, shown in draws)
    assert all(abs(places[i] - len(draws) / 3) < 300 for i in range(3)), places

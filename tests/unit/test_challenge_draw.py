"""A try's eight candidate challenges are drawn at once and their encodings worked out without the general
OCRA encoder (``factors.challenges._draw_candidates``): both must give what the one-by-one way gave, a
uniform six-digit challenge each and RFC 6287's encoding of it (``sls_devices.ocra.encoded_question_key``),
or the card's memory would compare the wrong bytes."""

from __future__ import annotations

from collections import Counter

import pytest

from sls_devices.ocra import OcraSuite, encoded_question_key
from sls_server.factors import challenges

DSC_SUITE = OcraSuite.parse("OCRA-1:HOTP-SHA1-8:QN06")


def test_every_six_digit_challenge_is_encoded_as_the_ocra_encoder_does() -> None:
    """All 10**6 of them: the aliases ("000016" like "000001"), zero, the trailing zero bytes."""
    for value in range(10**6):
        challenge = f"{value:06d}"
        assert challenges.numeric_key(challenge) == encoded_question_key(DSC_SUITE, challenge), challenge


@pytest.mark.parametrize(
    "suite", ["OCRA-1:HOTP-SHA1-6:QH08", "OCRA-1:HOTP-SHA1-6:QA08", "OCRA-1:HOTP-SHA1-8:QN08"]
)
def test_a_try_encodes_its_candidates_for_its_suite(suite: str) -> None:
    parsed = OcraSuite.parse(suite)
    candidates, encodings = challenges._draw_candidates(parsed)
    assert encodings == [encoded_question_key(parsed, c) for c in candidates]


def test_a_try_draws_eight_six_digit_challenges_each_position_evenly() -> None:
    """As ``test_randomness`` holds one challenge to: 1,250 tries (10,000 challenges), nearly all distinct,
    each of a challenge's digits spread evenly (chi-square under 50, p = 1e-7), and each candidate's place in
    the try alike: a draw split wrongly (a short pad, a digit shared by neighbours) fails one of them."""
    tries = [challenges._draw_candidates(DSC_SUITE)[0] for _ in range(1_250)]
    assert all(len(drawn) == 8 for drawn in tries)
    flat = [c for drawn in tries for c in drawn]
    assert all(len(c) == 6 and c.isdigit() and c.isascii() for c in flat)
    assert len(set(flat)) > 9_900
    for place in range(8):
        for position in range(6):
            counts = Counter(drawn[place][position] for drawn in tries)
            expected = len(tries) / 10
            chi_square = sum((counts[str(d)] - expected) ** 2 / expected for d in range(10))
            assert chi_square < 50, (place, position, sorted(counts.items()))

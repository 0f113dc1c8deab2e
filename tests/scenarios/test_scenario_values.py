"""Variables, paths and matchers: the small language expectations and steps share."""

from __future__ import annotations

import pytest

from sls_scenarios.values import MISSING, UndefinedVariable, interpolate, lookup, match

ANSWER = {"factor": {"type": "ibkey", "match": "42"}, "factors": [{"type": "ibkey"}, {"type": "dscplus"}]}


def test_paths_index_lists_and_map_over_them() -> None:
    assert lookup(ANSWER, "factor.match") == "42"
    assert lookup(ANSWER, "factors.1.type") == "dscplus"
    assert lookup(ANSWER, "factors.*.type") == ["ibkey", "dscplus"]
    assert lookup(ANSWER, "factor.challenge") is MISSING
    assert lookup(ANSWER, "factors.5.type") is MISSING


def test_a_whole_variable_keeps_its_type_and_text_is_spliced() -> None:
    variables = {"wait": 60, "alice": {"password": "p-1"}, "code": "123456"}
    assert interpolate("${wait}", variables) == 60
    assert interpolate({"password": "${alice.password}", "note": "code ${code} in ${wait}s"}, variables) == {
        "password": "p-1",
        "note": "code 123456 in 60s",
    }
    with pytest.raises(UndefinedVariable, match="no variable 'challenge'"):
        interpolate("${challenge}", variables)
    with pytest.raises(UndefinedVariable, match="has no 'pin'"):
        interpolate("${alice.pin}", variables)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (60, 60),
        ("ibkey", "ibkey"),
        (60, {"between": [55, 60]}),
        ("418093", {"regex": "[0-9]{6}"}),
        (["ibkey", "dscplus"], {"contains": "dscplus", "excludes": "sms", "len": 2}),
        (MISSING, {"exists": False}),
        (None, None),
        (3, {"type": "integer", "gt": 2, "le": 3}),
        ("sms", {"in": ["sms", "voice"], "not_in": ["ibkey"]}),
    ],
)
def test_matchers_that_hold(actual: object, expected: object) -> None:
    assert match(actual, expected) is None


@pytest.mark.parametrize(
    ("actual", "expected", "said"),
    [
        ("60", 60, "is '60', expected 60"),
        (True, 1, "is True, expected 1"),
        (61, {"between": [55, 60]}, "expected within [55, 60]"),
        (MISSING, "x", "is missing"),
        (["sms"], {"excludes": "sms"}, "expected no item matching 'sms'"),
        ([1, 2], {"len": 3}, "has length 2"),
        (True, {"type": "integer"}, "expected an integer"),
        ("x", {"exists": False}, "exists: 'x'"),
    ],
)
def test_matchers_that_fail_say_why(actual: object, expected: object, said: str) -> None:
    problem = match(actual, expected)
    assert problem is not None and said in problem


@pytest.mark.parametrize(
    ("actual", "expected", "said"),
    [
        (2, "2", "is 2, expected '2': the answer's 2 is a number, not text: write it unquoted, 2"),
        ("60", 60, "is '60', expected 60: the answer's '60' is text, not a number: quote it, '60'"),
        (
            True,
            "true",
            "is True, expected 'true': the answer's True is a boolean, not text: write it unquoted, true",
        ),
        (2, {"eq": "2"}, "is 2, expected '2': the answer's 2 is a number, not text: write it unquoted, 2"),
    ],
)
def test_a_literal_of_the_wrong_type_says_how_to_write_it(
    actual: object, expected: object, said: str
) -> None:
    """QA: ``json: {attempts_left: "2"}`` failed with "attempts_left is 2, expected '2'": the quotes alone
    told the answer's number from the scenario's text."""
    assert match(actual, expected) == said

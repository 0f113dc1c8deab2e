"""``sls device respond``: the card's response computed offline, against the derived vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_kit import assert_one_line_error, cli_runner, sls  # noqa: F401 - cli_runner: the "runner" fixture
from click.testing import CliRunner

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "ocra_qn06_derived.json").read_text())
CARD_VECTORS = [v for v in VECTORS["vectors"] if v["suite"] == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"]
KEY_HEX = VECTORS["key_hex"]
PIN = VECTORS["pin"]


# --- device respond ------------------------------------------------------------------------------------


def test_the_derived_vectors_are_the_card_suite() -> None:
    assert len(CARD_VECTORS) >= 4
    assert all(v["key_hex"] == KEY_HEX for v in CARD_VECTORS)


@pytest.mark.parametrize("vector", CARD_VECTORS, ids=lambda v: v["question"])
def test_respond_prints_the_cards_response(runner: CliRunner, vector: dict[str, str]) -> None:
    result = sls(
        runner, "device", "respond", "--secret-hex", KEY_HEX, "--pin", PIN, "--challenge", vector["question"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == vector["expected"] + "\n"


@pytest.mark.parametrize("vector", CARD_VECTORS, ids=lambda v: v["question"])
def test_respond_json(runner: CliRunner, vector: dict[str, str]) -> None:
    result = sls(
        runner,
        "device",
        "respond",
        "--secret-hex",
        KEY_HEX.upper(),
        "--pin",
        PIN,
        "--challenge",
        vector["question"],
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "response": vector["expected"],
        "challenge": vector["question"],
        "suite": vector["suite"],
    }


def test_respond_with_another_pin_gives_another_response(runner: CliRunner) -> None:
    vector = CARD_VECTORS[0]
    result = sls(
        runner,
        "device",
        "respond",
        "--secret-hex",
        KEY_HEX,
        "--pin",
        "4321",
        "--challenge",
        vector["question"],
    )
    assert result.exit_code == 0
    answer = result.stdout.strip()
    assert len(answer) == 8 and answer.isdigit() and answer != vector["expected"]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--secret-hex", "not-hex-at-all"),
        ("--secret-hex", KEY_HEX[:40]),  # 20 bytes: an RFC 4226 key, not a DSC+ key
        ("--secret-hex", KEY_HEX + "00"),
        ("--pin", "123"),
        ("--pin", "12345"),
        ("--pin", "12a4"),
        ("--pin", "\uff11\uff12\uff13\uff14"),  # fullwidth digits: the card's keypad has none
        ("--challenge", "12345"),
        ("--challenge", "1234567"),
        ("--challenge", "12a456"),
        ("--challenge", ""),
    ],
)
def test_respond_rejects_bad_input_naming_the_option(runner: CliRunner, option: str, value: str) -> None:
    args = {"--secret-hex": KEY_HEX, "--pin": PIN, "--challenge": "123456", option: value}
    result = sls(runner, "device", "respond", *[x for pair in args.items() for x in pair])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert_one_line_error(result, option)


def test_respond_requires_its_options(runner: CliRunner) -> None:
    result = sls(runner, "device", "respond", "--pin", PIN, "--challenge", "123456")
    assert result.exit_code == 2
    assert "--secret-hex" in result.stderr

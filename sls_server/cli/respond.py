"""``sls device respond``: what a DSC+ card shows for a challenge, computed offline from its key and PIN."""

from __future__ import annotations

import re

import click

from sls_devices.dscplus import DSCPLUS_SUITE, KEY_LENGTH, InvalidPin, expected_response, hash_pin

from .output import EXIT_USAGE, CliError, print_json, print_renderable

_CHALLENGE = re.compile(r"[0-9]{6}")


def parse_key(secret_hex: str) -> bytes:
    text = "".join(secret_hex.split())
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise CliError(
            "--secret-hex: not hexadecimal (expected the 64 hex digits enrolment returned)", EXIT_USAGE
        ) from None
    if len(key) != KEY_LENGTH:
        raise CliError(
            f"--secret-hex: a DSC+ key is {KEY_LENGTH} bytes ({2 * KEY_LENGTH} hex digits), "
            f"got {len(key)} bytes",
            EXIT_USAGE,
        )
    return key


@click.command("respond")
@click.option("--secret-hex", required=True, metavar="HEX", help="The card's key, as enrolment returned it.")
@click.option("--pin", required=True, help="The card's 4-digit PIN.")
@click.option("--challenge", required=True, help="The 6-digit challenge the login page shows.")
@click.option("--json", "as_json", is_flag=True, help='Print {"response": ..., ...} instead of the digits.')
def respond(secret_hex: str, pin: str, challenge: str, as_json: bool) -> None:
    """Compute a DSC+ card's 8-digit response, offline, like the physical card.

    OCRA (RFC 6287) suite OCRA-1:HOTP-SHA256-8:QN06-PSHA1 over the challenge and the SHA-1 of the PIN.
    A wrong PIN gives a response the server rejects, as with the real card. Prints only the response,
    so it fits in a shell variable.

    \b
    Example:
      sls device respond --secret-hex 3132...3132 --pin 1234 --challenge 123456
    """
    key = parse_key(secret_hex)
    try:
        pin_sha1 = hash_pin(pin)
    except InvalidPin:
        raise CliError("--pin: must be exactly 4 digits 0-9", EXIT_USAGE) from None
    if _CHALLENGE.fullmatch(challenge) is None:
        raise CliError(f"--challenge: must be exactly 6 digits 0-9, got {challenge!r}", EXIT_USAGE)
    response = expected_response(key, pin_sha1, challenge)
    if as_json:
        print_json({"response": response, "challenge": challenge, "suite": DSCPLUS_SUITE})
    else:
        print_renderable(response)

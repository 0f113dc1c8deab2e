"""CSRF tokens for the coming HTML forms: bound to one session, unforgeable without the server's secret."""

from __future__ import annotations

import base64
import secrets

import pytest

from sls_server.http.csrf import NONCE_BYTES, CsrfTokens

KEY = bytes(range(32))
SESSION = "a" * 64  # a session id (SHA-256 hex of the token)


def test_a_token_validates_for_its_binding_only() -> None:
    tokens = CsrfTokens(KEY)
    token = tokens.issue(SESSION)
    assert tokens.validate(token, SESSION)
    assert not tokens.validate(token, "b" * 64), "another session's token"
    assert not tokens.validate(token, SESSION[:-1])
    assert not CsrfTokens(bytes(32)).validate(token, SESSION), "another server's secret"


def test_every_issue_is_different_and_all_are_valid() -> None:
    tokens = CsrfTokens(KEY)
    issued = {tokens.issue(SESSION) for _ in range(50)}
    assert len(issued) == 50  # a fresh nonce each time: nothing fixed to leak through compression
    assert all(tokens.validate(token, SESSION) for token in issued)
    assert all(len(token) < 128 and "=" not in token for token in issued)


def _flip(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    raw[index] ^= 1
    return base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")


@pytest.mark.parametrize("index", [0, NONCE_BYTES - 1, NONCE_BYTES, NONCE_BYTES + 31])
def test_any_changed_bit_is_refused(index: int) -> None:
    tokens = CsrfTokens(KEY)
    token = tokens.issue(SESSION)
    assert not tokens.validate(_flip(token, index), SESSION)


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "not base64 at all!",
        "AAAA",
        "é" * 64,
        "A" * 129,
        base64.urlsafe_b64encode(b"x" * 47).decode(),
    ],
)
def test_malformed_tokens_are_invalid_not_errors(token: str | None) -> None:
    assert CsrfTokens(KEY).validate(token, SESSION) is False


def test_nothing_to_bind_to_is_refused() -> None:
    tokens = CsrfTokens(KEY)
    with pytest.raises(ValueError):
        tokens.issue("")
    assert not tokens.validate(tokens.issue(SESSION), None)
    assert not tokens.validate(tokens.issue(SESSION), "")
    with pytest.raises(ValueError):
        CsrfTokens(secrets.token_bytes(16))


def test_the_key_is_not_the_secret_key_itself() -> None:
    """The token key is derived under its own label: a token never exposes an HMAC under SLS_SECRET_KEY."""
    import hashlib
    import hmac

    tokens = CsrfTokens(KEY)
    token = tokens.issue(SESSION)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    nonce, mac = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    direct = hmac.new(KEY, b"sls-csrf-v1" + nonce + SESSION.encode(), hashlib.sha256).digest()
    assert mac != direct

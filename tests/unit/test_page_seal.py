"""Page state sealed into cookies: what opens, what does not, and how long the cookie is."""

from __future__ import annotations

import base64
import json
import math

import pytest

from sls_server.web.sealed import PageSeal

KEY = bytes(range(32))
NONCE_AND_TAG = 12 + 16  # AES-GCM's nonce and tag, bytes


def test_a_sealed_value_opens_in_its_own_context_only() -> None:
    seal = PageSeal(KEY, "login")
    token = seal.seal({"txn": "abc", "n": 3}, context="browser-1")
    assert seal.open(token, "browser-1") == {"txn": "abc", "n": 3}
    assert seal.open(token, "browser-2") is None
    assert PageSeal(KEY, "stepup").open(token, "browser-1") is None  # another page's label
    assert PageSeal(bytes(32), "login").open(token, "browser-1") is None  # another server's key


def test_a_cookie_is_the_sealed_bytes_encoded_once() -> None:
    """The page cookies were the box's base64 text encoded in base64 again: a third longer than needed, on
    cookies whose total a browser sends on every request (the step-up tasks' are bounded by it)."""
    value = {"task": "x" * 600}
    plain = len(json.dumps(value, separators=(",", ":")))
    token = PageSeal(KEY, "verify").seal(value, context="s")
    assert len(token) <= len("v1.") + math.ceil((plain + NONCE_AND_TAG) * 4 / 3), len(token)


def test_every_character_is_a_cookie_value_s() -> None:
    token = PageSeal(KEY, "card").seal({"digits": "12345678"}, context="c")
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    assert set(token) <= allowed, token


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1],  # a flipped character: the tag fails
        lambda t: t.replace(".", ":", 1),  # the box's own separator
        lambda t: t.split(".", 1)[1],  # no version
        lambda t: "v9." + t.split(".", 1)[1],  # a version this box has no key for
        lambda t: t + "!!",  # not base64
        lambda t: "v1." + base64.urlsafe_b64encode(b"short").decode(),  # shorter than a nonce
        lambda t: "",
        lambda t: "v1." + "A" * 5000,  # longer than a cookie holds
        lambda t: t + "=" * (4 - len(t.split(".", 1)[1]) % 4 or 4),  # padding the seal never writes
        lambda t: t + "==",
    ],
)
def test_anything_tampered_with_or_malformed_opens_as_nothing(change) -> None:
    seal = PageSeal(KEY, "login")
    token = seal.seal({"txn": "abc"}, context="b")
    assert seal.open(change(token), "b") is None


def test_the_standard_alphabet_is_not_taken_for_the_url_safe_one() -> None:
    """``+`` and ``/`` decode to the same bytes as ``-`` and ``_`` under a lenient decoder: a value the
    seal never wrote, refused like any other malformed one (one spelling for each cookie)."""
    seal = PageSeal(KEY, "login")
    token = next(
        t for t in (seal.seal({"txn": str(i)}, context="b") for i in range(200)) if "-" in t and "_" in t
    )
    assert seal.open(token, "b") is not None
    assert seal.open(token.replace("-", "+"), "b") is None
    assert seal.open(token.replace("_", "/"), "b") is None

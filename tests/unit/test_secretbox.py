"""Sealed device secrets: whatever is wrong with a sealed value, opening it is a ``SealError`` (the one
failure its callers catch), never a ``ValueError`` from the base64 or AES-GCM layers beneath."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from sls_server.accounts.name_refs import NameRefs
from sls_server.secretbox import SealError, SecretBox


def test_a_sealed_value_opens_under_its_key_and_context_only() -> None:
    box = SecretBox(b"k" * 32)
    sealed = box.seal(b"card key", context="dscplus:one")
    assert box.open(sealed, context="dscplus:one") == b"card key"
    with pytest.raises(SealError):
        box.open(sealed, context="dscplus:two")
    with pytest.raises(SealError):
        SecretBox(b"j" * 32).open(sealed, context="dscplus:one")


@pytest.mark.parametrize(
    "token", ["v1:", "v1:AAAA", "v1:!!!", "v1:QUJD\n", "v2:AAAA", "AAAA", "v1:" + "A" * 16]
)
def test_a_malformed_sealed_value_is_a_seal_error(token: str) -> None:
    with pytest.raises(SealError):
        SecretBox(b"k" * 32).open(token, context="dscplus:one")


def test_a_name_reference_is_keyed_by_the_secret_key() -> None:
    """The trail's reference to a name no user has (``accounts.name_refs``) is one name's alone, and
    unreadable without the server's key: not a plain digest that a word list would undo."""
    name = "correct-horse-battery-9"
    ours, theirs = NameRefs(bytes(range(32))), NameRefs(bytes(range(1, 33)))
    assert ours.ref(name) == NameRefs(bytes(range(32))).ref(name)
    assert ours.ref(name) != theirs.ref(name)
    assert ours.ref(name) != ours.ref("correct-horse-battery-8")
    assert ours.ref(name) not in {
        hashlib.sha256(name.encode()).hexdigest()[:12],
        hashlib.sha1(name.encode()).hexdigest()[:12],
    }
    assert len(ours.ref(name)) == 12 and int(ours.ref(name), 16) >= 0


def test_the_secret_key_is_keyed_into_nothing_but_its_derivation_and_the_two_older_uses() -> None:
    """Each use of the server's secret key takes its own key from ``secretbox.pepper`` (HKDF, one purpose
    each). Only :class:`SecretBox` over device secrets and :func:`key_check`, both kept in Redis from
    before, take the key itself. An HMAC keyed with it anywhere else is a second way to derive a key: it
    fails here."""
    root = Path(__file__).parents[2] / "sls_server"
    keyed = re.compile(r"hmac\.new\(\s*[\w.]*secret_key\b")
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if keyed.search(line) and path.name != "secretbox.py"
    ]
    assert found == []
    wiring = (root / "wiring.py").read_text()
    assert wiring.count("SecretBox(settings.secret_key)") == 1, (
        "device secrets: the one box on the key itself"
    )

"""Sealed device secrets: whatever is wrong with a sealed value, opening it is a ``SealError`` (the one
failure its callers catch), never a ``ValueError`` from the base64 or AES-GCM layers beneath."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest

from sls_server.accounts.name_refs import NameRefs
from sls_server.secretbox import SealError, SecretBox, device_box, key_check, sealed_as


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


def test_the_secret_key_is_keyed_into_nothing_but_its_derivation() -> None:
    """Each use of the server's secret key takes its own key from ``secretbox.pepper`` (HKDF, one purpose
    each). The key itself only opens what was sealed under it before (``v1``) and checks a key check of the
    first form, both inside ``secretbox.py``. An HMAC keyed with it anywhere else is a second way to derive
    a key: it fails here."""
    root = Path(__file__).parents[2] / "sls_server"
    keyed = re.compile(r"hmac\.new\(\s*[\w.]*secret_key\b")
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if keyed.search(line) and path.name != "secretbox.py"
    ]
    assert found == []
    boxes = re.compile(r"SecretBox\(\s*[\w.]*secret_key\b")  # a box straight on the key itself
    assert [str(p.relative_to(root)) for p in root.rglob("*.py") if boxes.search(p.read_text())] == []
    wiring = (root / "wiring.py").read_text()
    assert wiring.count("device_box(settings.secret_key)") == 1, "device secrets: their one box"


def test_device_secrets_seal_under_their_own_key_and_what_was_sealed_before_still_opens() -> None:
    key = bytes(range(32))
    box, before = device_box(key), SecretBox(key).seal(b"card key", context="dscplus:one")
    sealed = box.seal(b"card key", context="dscplus:one")
    assert sealed.startswith("v2:") and before.startswith("v1:")
    assert box.open(sealed, context="dscplus:one") == box.open(before, context="dscplus:one") == b"card key"
    with pytest.raises(SealError):  # the key itself does not open a v2 value
        SecretBox(key, version="v2").open(sealed, context="dscplus:one")
    with pytest.raises(SealError):  # nor does another key's box open either
        device_box(bytes(range(1, 33))).open(before, context="dscplus:one")
    with pytest.raises(SealError):
        box.open("v1:" + sealed[3:], context="dscplus:one")


def test_the_key_check_has_two_forms_and_each_names_one_key() -> None:
    key, other = bytes(range(32)), bytes(range(1, 33))
    checks = {key_check(key), key_check(key, form=1), key_check(other), key_check(other, form=1)}
    assert len(checks) == 4 and all(re.fullmatch(r"[0-9a-f]{64}", check) for check in checks)
    label = b"sls-emulator state document: key check v1"  # the first form: HMAC under the key itself
    assert key_check(key, form=1) == hmac.new(key, label, hashlib.sha256).hexdigest()


def test_a_value_sealed_before_is_sealed_again_as_now_and_a_current_one_is_left_alone() -> None:
    key = bytes.fromhex("2e" * 32)
    box, before = device_box(key), SecretBox(key)
    old = before.seal(b"card key", "dscplus:d1")
    assert (sealed_as(old), box.version) == ("v1", "v2")

    again = box.resealed(old, "dscplus:d1")

    assert again is not None and sealed_as(again) == "v2"
    assert box.open(again, "dscplus:d1") == b"card key"
    with pytest.raises(SealError):  # the key itself no longer opens it, under any version's name
        SecretBox(key, version="v2").open(again, "dscplus:d1")
    assert box.resealed(again, "dscplus:d1") is None  # already current: not sealed anew
    with pytest.raises(SealError):  # bound to its record: another context does not open it to re-seal
        box.resealed(old, "dscplus:d2")
    with pytest.raises(SealError):  # another key's value
        box.resealed(SecretBox(bytes.fromhex("3f" * 32)).seal(b"x", "dscplus:d1"), "dscplus:d1")

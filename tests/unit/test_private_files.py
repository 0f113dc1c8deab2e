"""Files the CLI writes that hold a secret are its owner's alone from the first byte: a new one created
0600, an existing one narrowed before it is written. The TOTP QR code was saved 0644 though it encodes the
secret."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

from sls_server.cli.device_commands import show_qr
from sls_server.cli.private_files import write_private

URI = "otpauth://totp/sls-emulator:tom?secret=JBSWY3DPEHPK3PXP&issuer=sls-emulator"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_private_and_an_existing_one_is_narrowed(tmp_path: Path) -> None:
    fresh = tmp_path / "world.json"
    write_private(fresh, b"secret one")
    assert mode(fresh) == 0o600 and fresh.read_bytes() == b"secret one"
    shared = tmp_path / "old.json"
    shared.write_bytes(b"a longer text that was there before")
    os.chmod(shared, 0o644)
    write_private(shared, b"secret two")
    assert mode(shared) == 0o600 and shared.read_bytes() == b"secret two"


def test_the_totp_qr_code_is_saved_private(tmp_path: Path) -> None:
    target = tmp_path / "tom.svg"
    show_qr(URI, target, to_terminal=False)
    assert mode(target) == 0o600
    assert ET.fromstring(target.read_text()).tag == "{http://www.w3.org/2000/svg}svg"

"""The OCRA vector files as the OCRA tests read them (``test_ocra.py``, ``test_ocra_inputs.py``): the 70
RFC 6287 Appendix C vectors and the derived QN06 ones, with the keys and PIN hash they use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

VECTORS_DIR = Path(__file__).parents[1] / "vectors"
RFC = json.loads((VECTORS_DIR / "ocra_rfc6287.json").read_text())
DERIVED = json.loads((VECTORS_DIR / "ocra_qn06_derived.json").read_text())
RFC_VECTORS: list[dict[str, Any]] = RFC["vectors"]
DERIVED_VECTORS: list[dict[str, Any]] = DERIVED["vectors"]
KEY32 = bytes.fromhex(RFC["keys"]["standard_32byte_hex"])
PIN_SHA1 = bytes.fromhex(RFC["pin_sha1_hex"])
DSC_SUITE = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"

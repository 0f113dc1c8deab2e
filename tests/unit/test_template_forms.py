"""Every form of the pages says ``method="post"``. A form a page's script sends (the console's, the simulated
phone's) is sent by the browser itself when the press comes before that script has loaded, or where scripts
are off: without a method that was a GET, its fields (a new user's password, an IB Key PIN) in the address,
the browser's history and the server's access log (tests/browser/test_forms_before_scripts.py shows one)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "sls_server" / "web" / "templates"


def test_every_form_of_the_pages_is_posted() -> None:
    forms = {
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in TEMPLATES.rglob("*.html")
        for tag in re.findall(r"<form\b[^>]*>", path.read_text())
    }
    assert len(forms) > 20
    assert sorted(f for f in forms if 'method="post"' not in f) == []

"""The accessibility kit's name check finds what Chromium leaves unnamed, however named the markup looks."""

from __future__ import annotations

from typing import Any

from .a11y_kit import unnamed_controls

CONTROLS = """<!doctype html><html lang="en"><body><main>
<button>Log in</button>
<button aria-label="Close">x</button>
<label for="u">Username</label><input id="u">
<label>Password <input type="password"></label>
<input aria-labelledby="nothing-here" id="bad-labelledby">
<span id="empty"></span>
<button aria-labelledby="empty" id="empty-labelledby-falls-back-to-its-text">Send</button>
<button id="bad-icon-only"><span aria-hidden="true">✓</span></button>
<input id="bad-bare">
<select id="bad-select"><option>a</option></select>
<label for="other-field">Code</label><input id="bad-label-for-another">
<input id="hidden-is-skipped" style="visibility:hidden">
<details><summary>More</summary><input id="closed-details-is-skipped"></details>
<details open><summary>More</summary><input id="bad-in-open-details"></details>
</main><input id="outside-main-is-skipped"></body></html>"""


def test_unnamed_controls_are_found_named_ones_pass(page: Any) -> None:
    page.set_content(CONTROLS)
    found = unnamed_controls(page)
    ids = sorted(entry.split('id="')[1].split('"')[0] for entry in found)
    assert ids == [
        "bad-bare",
        "bad-icon-only",
        "bad-in-open-details",
        "bad-label-for-another",
        "bad-labelledby",
        "bad-select",
    ], found

"""The accessibility kit's checks find what they are for: the name check what Chromium leaves unnamed, however
named the markup looks; the reflow check what sticks out of a narrow window, not what a box scrolls."""

from __future__ import annotations

from typing import Any

from .a11y_kit import sideways, tab_through, unnamed_controls

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


WIDE = """<!doctype html><html lang="en"><body style="margin:0">
<div style="overflow-x:auto"><table><tr><td style="min-width:600px">a wide table: its box scrolls</td></tr>
</table></div>
<div style="position:fixed;left:0;width:500px">fixed: over the page, not part of its width</div>
<div style="display:flex"><input id="bad-row-field" style="min-width:300px">
<button id="bad-row-button">Set</button></div>
<p>text wraps</p></body></html>"""


def test_sideways_names_what_sticks_out_not_what_a_box_scrolls(page: Any) -> None:
    page.set_viewport_size({"width": 320, "height": 600})
    page.set_content(WIDE)
    found = sideways(page)
    assert [entry.split('id="')[1].split('"')[0] for entry in found] == ["bad-row-button"], found


ALIKE = """<!doctype html><html lang="en"><body><main>
<button type="button" class="btn btn-secondary btn-small" data-testid="sign-out">Sign out</button>
<button type="button" class="btn btn-secondary btn-small" data-testid="sign-out-all">Everywhere</button>
<input type="datetime-local" step="1" aria-label="When">
<button type="button" id="last">Last</button>
</main></body></html>"""


def test_tab_through_goes_round_once_past_alike_buttons_and_a_date_field(page: Any) -> None:
    """Round again is the same element: not a second button whose markup begins as the first's did, nor the
    next part (day, year, hour) of a date and time field, which the Tab key moves through."""
    page.set_content(ALIKE)
    reached = [name for name, _ in tab_through(page)]
    assert len(reached) == 4 and 'id="last"' in reached[-1], reached

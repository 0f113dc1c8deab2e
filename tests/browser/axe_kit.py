"""axe-core, the standard engine, run over a page in the state a test brought it to: an audit independent of
our own checks (``a11y_kit.py``, written from WCAG), so a rule either of them misses the other may catch.
axe's script comes from the ``axe-playwright-python`` wheel (the ``test`` extra), which bundles it: nothing
is downloaded at test time. Each page is audited at a desktop's 1280 x 800 and a phone's 390 x 844, against
WCAG 2.2 A and AA's rules and axe's best practices; what is left out is in :data:`EXCLUDED`, with why."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

#: The rules run: axe's tags for WCAG 2.0, 2.1 and 2.2 at A and AA (2.2 added AA rules only), and its best
#: practices, which name no success criterion but catch what makes a page hard to use all the same.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

#: The two windows each page state is audited in: reflow and the phone layout's own rules differ.
VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "390x844": {"width": 390, "height": 844}}

#: Parts of pages axe does not judge, each with why (docs/pages.md, "Accessibility", says the same):
#: a CSS selector to leave out of every audit.
EXCLUDED: dict[str, str] = {
    "#swagger-ui": "the API reference's Swagger UI is a third party's bundle (swagger-ui-bundle-v2), drawn "
    "by its own script, whose markup's faults only it can mend (docs/pages.md, Accessibility); the page "
    "around it is audited, and test_accessibility_pages.py holds what docs.css and docs.js mend of it",
}


def violations(page: Any) -> list[str]:
    """axe's violations on ``page`` as it is, in each of :data:`VIEWPORTS` (the window set back after):
    one line per rule and window with its impact, then each node's selector and markup."""
    before = page.viewport_size
    found: list[str] = []
    try:
        for label, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            found += [f"{label} {line}" for line in _run(page)]
    finally:
        page.set_viewport_size(before)
    return found


def _run(page: Any) -> list[str]:
    # the page as it settles: a transition or animation still running (the card's display lighting up, a feed
    # line's arrival) would have axe judge a colour on its way, as a11y_checks.js's contrast check also avoids
    page.evaluate(
        "() => document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) { a.cancel(); } })"
    )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)  # through the browser's debugger, which the page's CSP does not bind
    context = {"exclude": [[selector] for selector in EXCLUDED]}
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
    lines = []
    for rule in results["violations"]:
        nodes = [f"\n    {' '.join(n['target'])}: {n['html'][:160]}" for n in rule["nodes"]]
        lines.append(f"{rule['id']} ({rule['impact']}, {len(nodes)}): {rule['help']}{''.join(nodes)}")
    return lines

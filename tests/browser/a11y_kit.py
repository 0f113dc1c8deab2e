"""Accessibility checks of a page in Chromium, written here from WCAG (axe-core audits the pages beside
them, independently, ``axe_kit.py``; these judge the text contrast axe leaves to review): text contrast by
the WCAG formula from the computed styles, the focus indicator of every element the Tab key reaches, target
sizes, accessible names of form controls, what makes a narrow window scroll sideways, text lost to a
reader's wider spacing, and the page's frame (lang, title, one h1, landmarks). Each check returns what
fails, so a test asserts an empty list and its message names the offenders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

# The checks themselves, in JavaScript: each call below evaluates the file and one of its functions.
_JS = (Path(__file__).parent / "a11y_checks.js").read_text()
_CONTRAST_JS = f"() => {{ {_JS}\n return contrastFailures(); }}"
# The focus indicator of the focused element (2.4.7, 1.4.11): what changed from its unfocused look (outline,
# box-shadow or border colour), and the best contrast of that change against what is behind the element.
_FOCUS_JS = f"(el) => {{ {_JS}\n return focusIndicator(el); }}"
# 2.5.8 Target Size (Minimum): 24 by 24 CSS pixels, or a 24 px circle on the target's centre that meets no
# other target; a link inside a line of text is exempt. A control's labels are part of its target.
_TARGETS_JS = f"() => {{ {_JS}\n return smallTargets(); }}"
_FIELDS_JS = f"() => {{ {_JS}\n return faintFields(); }}"
_SIDEWAYS_JS = f"() => {{ {_JS}\n return sideways(); }}"
_CLIPPED_JS = f"() => {{ {_JS}\n return clippedText(); }}"
# WCAG 1.4.12's spacing, which a reader's own style sheet may set: no text may be lost to it
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
    " p { margin-bottom: 2em !important; }"
)
_TO_ASK_JS = f"(controls) => {{ {_JS}\n return controlsToAsk(controls); }}"


def contrast_failures(page: Any) -> list[str]:
    """Text under WCAG 1.4.3's minimum: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold)."""
    return list(page.evaluate(_CONTRAST_JS))


def faint_fields(page: Any) -> list[str]:
    """Text fields and list boxes whose edge (border or fill) is under 3:1 against their surroundings."""
    return list(page.evaluate(_FIELDS_JS))


def small_targets(page: Any) -> list[str]:
    """Pointer targets under 2.5.8's minimum that the spacing and inline exceptions do not cover."""
    return list(page.evaluate(_TARGETS_JS))


def sideways(page: Any) -> list[str]:
    """What makes the page scroll sideways at its window's width (WCAG 1.4.10 Reflow: 320 CSS px, a 1280 px
    window zoomed to 400%), the innermost elements past the right edge; a box that scrolls holds its own."""
    return list(page.evaluate(_SIDEWAYS_JS))


def tab_through(page: Any, limit: int = 200) -> list[tuple[str, float]]:
    """Press Tab until the focus comes round again: each element reached (its outerHTML's start) with the
    contrast of its focus indicator (0 when focusing it shows nothing). Round again means the same element,
    not one whose markup begins alike: two buttons of one class ("Sign out", "Sign out everywhere") ended
    the walk at the second once, a few elements into a console of fifty."""
    page.evaluate("() => { window.__slsTabbed = new Set(); window.__slsLast = null; }")
    reached: list[tuple[str, float]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if page.evaluate("(el) => el === null || el === document.body", focused):
            continue  # past the last element, before the first again (null: while a page replaces another)
        if page.evaluate("(el) => el === window.__slsLast", focused):
            continue  # a date and time field's Tab moves through its own parts (month, day, ... AM/PM)
        if page.evaluate(
            "(el) => (window.__slsLast = el, window.__slsTabbed.has(el) || !window.__slsTabbed.add(el))",
            focused,
        ):
            break
        name = str(page.evaluate("(el) => el.outerHTML.slice(0, 70)", focused))
        reached.append((name, float(page.evaluate(_FOCUS_JS, focused))))
    return reached


def unnamed_controls(page: Any) -> list[str]:
    """Visible form controls and buttons in main without an accessible name, as Chromium computes it, asked
    of each one whose name is not plain from its markup (a11y_checks.js, ``controlsToAsk``)."""
    controls = page.locator("main").locator("input:not([type=hidden]), select, textarea, button")
    missing = []
    for i in controls.evaluate_all(_TO_ASK_JS):
        control = controls.nth(i)
        try:
            # 500 ms bounds only the wait for a name that is not there (each such control would cost the
            # default 10 s): Playwright's first check of an expect always runs to its end, however late
            # (FrameExpect's "one-shot", never aborted by the timeout), so a control named when it is
            # asked passes however loaded the machine is.
            expect(control).to_have_accessible_name(re.compile(r"\S"), timeout=500)
        except AssertionError:
            missing.append(str(control.evaluate("(e) => e.outerHTML.slice(0, 80)")))
    return missing


def frame_problems(page: Any) -> list[str]:
    """The page's frame (3.1.1, 2.4.2, 1.3.1): English as its language, a title of its own, exactly one
    h1 (Swagger UI adds its own to the API page), no heading level skipped, one main landmark, a banner
    and a content info."""
    problems = []
    if page.evaluate("document.documentElement.lang") != "en":
        problems.append("html has no lang=en")
    if not re.match(r"^\S.* · SLS Emulator", page.title()):
        problems.append(f"title {page.title()!r}")
    if page.locator("h1").count() != 1 and "/docs" not in page.url:
        problems.append(f"{page.locator('h1').count()} h1 elements")
    shown = "(h) => h.getClientRects().length && !h.closest('.docs-viewer')"
    levels = page.evaluate(
        f"() => [...document.querySelectorAll('h1, h2, h3, h4')].filter({shown})"
        ".map((h) => Number(h.tagName[1]))"
    )
    skips = [f"h{a} then h{b}" for a, b in zip([1, *levels], levels, strict=False) if b > a + 1]
    if skips:
        problems.append(f"heading levels skipped: {', '.join(skips)}")
    for role in ("main", "banner", "contentinfo"):
        if page.get_by_role(role).count() != 1:
            problems.append(f"{page.get_by_role(role).count()} {role} landmarks")
    return problems


def page_problems(page: Any) -> list[str]:
    """What every audit of a page as it stands checks: its frame, text contrast, faint fields, small targets
    and unnamed controls. One list, so the portal's, the gateway's and the console's audits check the same
    things (each had written the sum out), and a check added here reaches all of them."""
    looks = contrast_failures(page) + faint_fields(page) + small_targets(page)
    return frame_problems(page) + looks + unnamed_controls(page)


def weak_focus(page: Any, limit: int = 200) -> list[str]:
    """The elements the Tab key reaches (:func:`tab_through`, within ``limit`` presses) whose focus indicator
    is under 3:1 (2.4.7, 1.4.11), each as ``focus: <element> (<contrast>:1)``, to sit in an audit's list."""
    return [
        f"focus: {name} ({contrast:.2f}:1)" for name, contrast in tab_through(page, limit) if contrast < 3
    ]


def text_spacing_losses(page: Any) -> list[str]:
    """Text cut off once WCAG 1.4.12's spacing is set (the page's CSP forbids an added style sheet, so the
    page's context is opened with ``bypass_csp=True``); the spacing stays until the next navigation."""
    page.add_style_tag(content=TEXT_SPACING)
    return list(page.evaluate(_CLIPPED_JS))


def shared_titles(titles: dict[str, str]) -> list[str]:
    """2.4.2 Page Titled: of the pages visited (a label for each, its title), those whose title another page
    has too; a screen reader says the title first, and a tab strip shows little else."""
    pages: dict[str, list[str]] = {}
    for label, title in titles.items():
        pages.setdefault(title, []).append(label)
    return [f"{title!r}: {', '.join(labels)}" for title, labels in pages.items() if len(labels) > 1]


def tab_to(page: Any, target: Any, limit: int = 80) -> None:
    """Press Tab (only Tab: what a keyboard user does) until the target has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"the Tab key never reached {target}")


def expect_tied_to(field: Any, alert: Any, *, invalid: bool = True) -> None:
    """The field names the alert in aria-describedby, so its message is read with the field."""
    expect(alert).to_be_visible()
    alert_id = alert.get_attribute("id")
    assert alert_id, "the alert has no id to be described by"
    expect(field).to_have_attribute("aria-describedby", re.compile(rf"(^|\s){re.escape(alert_id)}(\s|$)"))
    expect(field).to_have_accessible_description(alert.inner_text().strip())
    if invalid:
        expect(field).to_have_attribute("aria-invalid", "true")
    else:
        expect(field).not_to_have_attribute("aria-invalid", "true")

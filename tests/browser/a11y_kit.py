"""Accessibility checks of a page in Chromium, written here rather than taken from axe-core (which would
be a download at test time): text contrast by the WCAG formula from the computed styles, the focus
indicator of every element the Tab key reaches, target sizes, accessible names of form controls, and the
page's frame (lang, title, one h1, landmarks). Each check returns what fails, so a test asserts an empty
list and its message names the offenders."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

# Colour maths shared by the checks: parse a computed colour, blend it over what is behind it, relative
# luminance and contrast ratio as WCAG 2.2 defines them (1.4.3, 1.4.11).
_COLOUR_JS = r"""
const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
  b: top.b * top.a + under.b * (1 - top.a), a: 1 });
const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const ratio = (x, y) => { const a = lum(x), b = lum(y); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
/* What is painted behind an element: its own and its ancestors' background colours down to the first opaque
   one, or every colour stop of the first gradient on the way (the darkest and lightest spots both count). */
const backdrops = (el) => { const layers = [];
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const s = getComputedStyle(n);
    const stops = (s.backgroundImage.match(/rgba?\([^)]+\)/g) || []).map(parse);
    const c = parse(s.backgroundColor);
    const base = c && c.a > 0 ? over(c, { r: 255, g: 255, b: 255, a: 1 }) : { r: 255, g: 255, b: 255, a: 1 };
    if (stops.length) return stops.map((stop) => layers.reduceRight((acc, l) => over(l, acc), over(stop, base)));
    if (c && c.a > 0) layers.push(c);
    if (c && c.a >= 1) break;
  }
  return [layers.reduceRight((acc, l) => over(l, acc), { r: 255, g: 255, b: 255, a: 1 })]; };
"""

_CONTRAST_JS = (
    "() => {"
    + _COLOUR_JS
    + r"""
  document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) { a.cancel(); } });
  const failures = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!box.width || !box.height || s.visibility === "hidden" || el.closest(".visually-hidden, :disabled, .skip-link")) continue;
    let opacity = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
    const colour = parse(s.color), size = parseFloat(s.fontSize);
    const large = size >= 24 || (Number(s.fontWeight) >= 700 && size >= 18.66);
    const worst = Math.min(...backdrops(el).map((bg) => ratio(over({ ...colour, a: colour.a * opacity }, bg), bg)));
    if (worst < (large ? 3 : 4.5)) failures.push(`${el.tagName.toLowerCase()}.${el.className} "${walker.currentNode.textContent.trim().slice(0, 30)}": ${worst.toFixed(2)}:1`);
  }
  return failures; }"""
)

# The focus indicator of the focused element (2.4.7, 1.4.11): what changed from its unfocused look (outline,
# box-shadow or border colour), and the best contrast of that change against what is behind the element.
_FOCUS_JS = (
    "(el) => {"
    + _COLOUR_JS
    + r"""
  const look = () => { const s = getComputedStyle(el);
    return { outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1 ? s.outlineColor : null,
             shadow: s.boxShadow, border: s.borderTopColor, width: parseFloat(s.borderTopWidth) }; };
  const on = look(); el.blur(); const off = look(); el.focus({ focusVisible: true });
  const behind = backdrops(el.parentElement);
  const best = (colour) => colour ? Math.min(...behind.map((bg) => ratio(over(parse(colour), bg), bg))) : 0;
  const shadow = on.shadow !== off.shadow && on.shadow !== "none" ? (on.shadow.match(/rgba?\([^)]+\)/) || [null])[0] : null;
  const drawn = !["checkbox", "radio"].includes(el.type); /* a native box or circle paints no CSS border */
  const border = drawn && on.border !== off.border && on.width >= 1 ? on.border : null;
  return Math.max(best(on.outline), best(shadow), best(border)); }"""
)

# 2.5.8 Target Size (Minimum): 24 by 24 CSS pixels, or a 24 px circle on the target's centre that meets no
# other target; a link inside a line of text is exempt. A control's labels are part of its target.
_TARGETS_JS = r"""() => {
  const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  const shown = [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden"
    && !e.closest(".visually-hidden, .skip-link, .docs-viewer"));
  const area = (e) => { let r = e.getBoundingClientRect(), b = { l: r.left, t: r.top, r: r.right, btm: r.bottom };
    for (const label of e.labels || []) { const q = label.getBoundingClientRect();
      b = { l: Math.min(b.l, q.left), t: Math.min(b.t, q.top), r: Math.max(b.r, q.right), btm: Math.max(b.btm, q.bottom) }; }
    return b; };
  const boxes = shown.map(area), failures = [];
  shown.forEach((e, i) => { const b = boxes[i];
    if (b.r - b.l >= 24 && b.btm - b.t >= 24) return;
    if (e.tagName === "A" && getComputedStyle(e).display === "inline") return;
    const cx = (b.l + b.r) / 2, cy = (b.t + b.btm) / 2;
    const near = boxes.some((o, j) => { if (j === i || shown[j].contains(e) || e.contains(shown[j])) return false;
      const dx = Math.max(o.l - cx, 0, cx - o.r), dy = Math.max(o.t - cy, 0, cy - o.btm); return dx * dx + dy * dy < 144; });
    if (near) failures.push(`${e.outerHTML.slice(0, 60)}: ${Math.round(b.r - b.l)}x${Math.round(b.btm - b.t)}`); });
  return failures; }"""


def contrast_failures(page: Any) -> list[str]:
    """Text under WCAG 1.4.3's minimum: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold)."""
    return list(page.evaluate(_CONTRAST_JS))


def small_targets(page: Any) -> list[str]:
    """Pointer targets under 2.5.8's minimum that the spacing and inline exceptions do not cover."""
    return list(page.evaluate(_TARGETS_JS))


def tab_through(page: Any, limit: int = 80) -> list[tuple[str, float]]:
    """Press Tab until the focus comes round again: each element reached (its outerHTML's start) with the
    contrast of its focus indicator (0 when focusing it shows nothing)."""
    reached: list[tuple[str, float]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if page.evaluate("(el) => el === document.body", focused):
            continue  # past the last element, before the first again
        name = str(page.evaluate("(el) => el.outerHTML.slice(0, 70)", focused))
        if any(name == seen for seen, _ in reached):
            break
        reached.append((name, float(page.evaluate(_FOCUS_JS, focused))))
    return reached


def unnamed_controls(page: Any) -> list[str]:
    """Visible form controls and buttons without an accessible name, as Chromium computes it."""
    controls = page.locator("main").locator("input:not([type=hidden]), select, textarea, button")
    missing = []
    for i in range(controls.count()):
        control = controls.nth(i)
        if not control.is_visible():
            continue
        try:
            expect(control).to_have_accessible_name(re.compile(r"\S"), timeout=500)
        except AssertionError:
            missing.append(str(control.evaluate("(e) => e.outerHTML.slice(0, 80)")))
    return missing


def frame_problems(page: Any) -> list[str]:
    """The page's frame (3.1.1, 2.4.2, 1.3.1): English as its language, a title of its own, exactly one
    h1 (Swagger UI adds its own to the API page), one main landmark, a banner and a content info."""
    problems = []
    if page.evaluate("document.documentElement.lang") != "en":
        problems.append("html has no lang=en")
    if not re.match(r"^\S.* · SLS Emulator", page.title()):
        problems.append(f"title {page.title()!r}")
    if page.locator("h1").count() != 1 and "/docs" not in page.url:
        problems.append(f"{page.locator('h1').count()} h1 elements")
    for role in ("main", "banner", "contentinfo"):
        if page.get_by_role(role).count() != 1:
            problems.append(f"{page.get_by_role(role).count()} {role} landmarks")
    return problems

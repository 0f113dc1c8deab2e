/* The accessibility checks tests/browser/a11y_kit.py runs in the page (see its docstring). */
/* Colour maths: parse a computed colour, blend it over what is behind it, relative luminance and
   contrast ratio as WCAG 2.2 defines them (1.4.3, 1.4.11). */
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

function contrastFailures() {
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
  return failures;
}

function focusIndicator(el) {
  const look = () => { const s = getComputedStyle(el);
    return { outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1 ? s.outlineColor : null,
             shadow: s.boxShadow, border: s.borderTopColor, width: parseFloat(s.borderTopWidth) }; };
  const on = look(); el.blur(); const off = look(); el.focus({ focusVisible: true });
  const behind = backdrops(el.parentElement);
  const best = (colour) => colour ? Math.min(...behind.map((bg) => ratio(over(parse(colour), bg), bg))) : 0;
  const shadow = on.shadow !== off.shadow && on.shadow !== "none" ? (on.shadow.match(/rgba?\([^)]+\)/) || [null])[0] : null;
  const drawn = !["checkbox", "radio"].includes(el.type); /* a native box or circle paints no CSS border */
  const border = drawn && on.border !== off.border && on.width >= 1 ? on.border : null;
  return Math.max(best(on.outline), best(shadow), best(border));
}

function smallTargets() {
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
  return failures;
}

function faintFields() {
  /* 1.4.11: a text field or list box is seen by its border (or its fill) at 3:1 against what is around it */
  const fields = [...document.querySelectorAll("input, select, textarea")].filter((e) => e.getClientRects().length
    && !["hidden", "checkbox", "radio"].includes(e.type) && !e.closest(".visually-hidden, .docs-viewer"));
  return fields.flatMap((e) => {
    const s = getComputedStyle(e), around = backdrops(e.parentElement);
    const fill = over(parse(s.backgroundColor), around[0]);
    const line = parseFloat(s.borderTopWidth) >= 1 ? over(parse(s.borderTopColor), fill) : fill;
    const best = Math.max(Math.min(...around.map((bg) => ratio(line, bg))), Math.min(...around.map((bg) => ratio(fill, bg))));
    return best < 3 ? [`${e.outerHTML.slice(0, 60)}: ${best.toFixed(2)}:1`] : [];
  });
}

function controlsToAsk(controls) {
  /* 4.1.2: of the controls given (a locator's, in its order), the indices of the visible ones whose accessible
     name is not plain from their markup, for Chromium's accessibility tree to be asked about. Plain: a
     non-empty aria-label, a button's own rendered text, or a label's text, where no aria-labelledby could
     override it and no part of that text is aria-hidden. Asking Chromium is a round trip per control, and
     Swagger UI has hundreds. Indices, not marks: the phone's and the login's pages redraw as they poll. */
  const rendered = (el) => (el.innerText || "").trim() && !el.querySelector("[aria-hidden]");
  const plain = (el) => {
    if (el.hasAttribute("aria-labelledby")) return false;
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    if (el.tagName === "BUTTON") return Boolean(rendered(el));
    return [...(el.labels || [])].some(rendered);
  };
  return controls.flatMap((el, i) => {
    /* visible as Playwright's is_visible has it: a closed <details> keeps its content's boxes */
    const box = el.getBoundingClientRect();
    const shown = el.checkVisibility() && box.width && box.height && getComputedStyle(el).visibility !== "hidden";
    return shown && !plain(el) ? [i] : [];
  });
}

function sideways() {
  /* 1.4.10 Reflow: what sticks out past the window's right edge, so the whole page scrolls sideways. A box
     that scrolls or clips its own overflow (a wide table's wrapper) holds what is inside it; of what sticks
     out, the innermost elements are named, the ones to fix. */
  const edge = document.documentElement.clientWidth + 1, out = [];
  const walk = (el) => {
    const s = getComputedStyle(el), box = el.getBoundingClientRect();
    if (s.display === "none" || s.position === "fixed") return false;
    const holds = ["auto", "scroll", "hidden", "clip"].includes(s.overflowX);
    const inner = holds ? false : [...el.children].map(walk).some(Boolean);
    const sticks = box.width > 0 && box.right > edge;
    if (sticks && !inner) out.push(`${el.outerHTML.slice(0, 70)}: right edge at ${Math.round(box.right)} px`);
    return sticks || inner;
  };
  [...document.body.children].forEach(walk);
  return out;
}

function clippedText() {
  /* 1.4.12 Text Spacing: with the spacing the criterion sets (a11y_kit.text_spacing_losses adds it), text
     that an element cuts off (overflow hidden or clipped, an ellipsis) rather than wraps or grows for. */
  document.getAnimations().forEach((a) => { try { a.finish(); } catch (e) { a.cancel(); } });
  return [...document.querySelectorAll("body *")].filter((e) => {
    if (!e.getClientRects().length || e.closest(".visually-hidden") || !(e.textContent || "").trim()) return false;
    const s = getComputedStyle(e), cuts = (v) => ["hidden", "clip"].includes(v);
    const clips = cuts(s.overflowX) || cuts(s.overflowY) || s.textOverflow === "ellipsis";
    return clips && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1);
  }).map((e) => `${e.outerHTML.slice(0, 60)} "${e.textContent.trim().slice(0, 20)}": ${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`);
}

/* Helpers every page script shares: JSON calls with the page's CSRF token, a poller, time formatting. */
"use strict";
window.SLS = (function () {
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* What a page's script asks on its own (a poll, a refresh; never a click's request) carries this header:
     the trainer console's and the simulators' sign-in is then checked but not kept alive by it, so a page
     left open still signs out after its idle time (sls_server/http/pages/access.py). */
  const BACKGROUND = { "X-SLS-Background": "1" };

  /* The console's or the simulators' sign-in has ended (401 trainer_sign_in_required or sim_token): the
     page is reloaded, and shows the sign-in form with why (signed out after so long without activity),
     instead of failing quietly. True when it did. */
  const SIGNED_OUT = new Set(["trainer_sign_in_required", "sim_token"]);
  function signedOut(status, data) {
    if (status !== 401 || !data || !SIGNED_OUT.has(data.error)) return false;
    window.location.reload();
    return true;
  }

  /* When this page last asked something that counts as the person's activity (its load, or a call without
     `background`): the console's idle warning counts from it. */
  let lastActivity = Date.now();

  /* Every request a page's script makes: the page's CSRF token, and either the background mark or, for a
     request the person's click made, the page's note of activity. `background: true` in `how` for one the
     script makes on its own. */
  function request(url, options, how) {
    const headers = Object.assign({ "X-CSRF-Token": csrfToken() }, options.headers || {});
    if (how && how.background) Object.assign(headers, BACKGROUND);
    else lastActivity = Date.now();
    return fetch(url, Object.assign({}, options, { headers: headers, credentials: "same-origin" }));
  }

  /* A JSON call through `request`: its body sent as JSON, its answer read as JSON. */
  async function call(method, url, body, how) {
    const options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await request(url, options, how);
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    signedOut(response.status, data);
    return { ok: response.ok, status: response.status, data: data };
  }

  /* Call fn now and then every `ms`, never two at once; stop when fn returns false. */
  function poll(fn, ms) {
    let stopped = false;
    async function tick() {
      if (stopped) return;
      let again = true;
      try { again = (await fn()) !== false; } catch (e) { again = true; }
      if (again && !stopped) setTimeout(tick, ms);
    }
    tick();
    return function stop() { stopped = true; };
  }

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  /* A wait as the server's wording.duration says it: 75 -> "1 min 15 s", 3600 -> "60 min"; with no-break
     spaces, so "52 s" never wraps between the number and its unit. */
  function duration(seconds) {
    const total = Math.max(0, Math.floor(seconds || 0));
    const m = Math.floor(total / 60), s = total % 60;
    const said = m ? m + " min" + (s ? " " + s + " s" : "") : s + " s";
    return said.replace(/ /g, "\u00a0");
  }

  /* A signed clock offset in the units a person reads: 97384627 -> "+1,127 d 3 h 17 min 7 s", 900 -> "+15 min". */
  function offset(seconds) {
    const total = Math.trunc(Number(seconds) || 0);
    if (!total) return "0 s";
    let left = Math.abs(total);
    const parts = [];
    [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]].forEach(function ([unit, size]) {
      const n = Math.floor(left / size);
      left -= n * size;
      if (n) parts.push(n.toLocaleString("en-US") + "\u00a0" + unit);
    });
    return (total < 0 ? "\u2212" : "+") + parts.join(" ");
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(function ([k, v]) {
      if (v === undefined || v === null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) { if (c) node.append(c); });
    return node;
  }

  /* Lists and tables are drawn in place, never anew: a tap is a press and a release, and a node replaced
     between the two took the tap with it (the release landed on its successor, and the browser sends the
     click to what holds both: the list, which does nothing). A push bombing's next notification arriving
     as the victim tapped Deny, a failed login changing a row of the console's users table as the trainer
     tapped Manage on another: the tap was lost. */

  /* The element a pointer is pressed on, until its release; what waits for the release runs after the
     release's click (a task later: the click is dispatched with the release). */
  let pressed = null;
  const afterRelease = new Set();
  document.addEventListener("pointerdown", function (event) { pressed = event.target; }, true);
  function released() {
    pressed = null;
    setTimeout(function () {
      const due = Array.from(afterRelease);
      afterRelease.clear();
      due.forEach(function (run) { run(); });
    }, 0);
  }
  document.addEventListener("pointerup", released, true);
  document.addEventListener("pointercancel", released, true);

  /* While a press is held in a list, nothing above the pressed entry changes its place: what comes or goes
     there is held back until the release, and the list is then drawn again with the latest it was given.
     An entry put above it pushed the pressed one down from under the finger (a call arriving at the top
     of the phone's call log as an older call's Play was tapped, a user created who sorts above the one whose
     Manage was tapped), one taken out above it pulled it up: the release landed on another entry, or on
     none. Below the pressed one, whatever comes or goes is drawn at once: it moves nothing above. */

  /* The child of `list` the press is in (the pressed entry), or null when no press is held in it. */
  function pressedChild(list) {
    if (pressed === null || pressed === list || !list.contains(pressed)) return null;
    let node = pressed;
    while (node.parentNode !== list) node = node.parentNode;
    return node;
  }

  /* The redraws held back, one per list (its latest: a later draw during the same press replaces it),
     each run once after the release. */
  const heldBack = new Map();
  function drawHeldBack() {
    const due = Array.from(heldBack.values());
    heldBack.clear();
    due.forEach(function (draw) { draw(); });
  }
  function later(list, draw) {
    if (!draw) { heldBack.delete(list); return; } // the latest draw left nothing out
    heldBack.set(list, draw);
    afterRelease.add(drawHeldBack);
  }

  /* `list`'s children up to the pressed one `at`, it included: what must not move while the press is held. */
  function upTo(list, at) {
    const above = new Set();
    for (let node = list.firstChild; at && node; node = node.nextSibling) {
      above.add(node);
      if (node === at) break;
    }
    return above;
  }

  /* A child that is no longer drawn: taken out, unless it is above the pressed one (or is it), where it
     stays until the release, inert and marked data-gone (dimmed), and is never matched again. True when
     it stays. */
  function gone(node) { return node.nodeType === Node.ELEMENT_NODE && node.dataset.gone !== undefined; }
  function drop(node, above) {
    if (!above.has(node)) { node.remove(); return false; }
    if (node.nodeType === Node.ELEMENT_NODE) { node.dataset.gone = ""; node.inert = true; }
    return true; // a text node stays too, unmarked (the next draw may take it again: it holds no press)
  }

  /* `list`'s children made the nodes of `items`, in their order: an item's node already there stays, where
     it is, unless its item changed (`sig`, the item itself by default), when it alone is drawn again in its
     place; gone ones are removed and new ones put in order around the others. `key(item)` names the item
     (its node's data-key). While a press is held in the list, what is above the pressed entry stays as it
     is (a push bombing's oldest notification expiring as the victim tapped the next stays, dimmed, until
     the release), and so does the pressed entry itself, even if its item changed. */
  const drawnAs = new WeakMap();
  function keyed(list, items, key, render, sig) {
    const signature = sig || function (item) { return JSON.stringify(item); };
    const anchor = pressedChild(list);
    const above = upTo(list, anchor);
    let kept = false;
    const had = new Map();
    Array.from(list.children).forEach(function (node) {
      if (gone(node)) { if (drop(node, above)) kept = true; } // never matched again
      else if (node.dataset.key === undefined || had.has(node.dataset.key)) kept = drop(node, above) || kept;
      else had.set(node.dataset.key, node);
    });
    const nodes = items.map(function (item) {
      const name = String(key(item)), drawn = signature(item), old = had.get(name);
      had.delete(name);
      if (old && drawnAs.get(old) === drawn) return old;
      if (old === anchor) { kept = true; return old; } // drawn anew, it would take the press with it
      const node = render(item);
      node.dataset.key = name;
      drawnAs.set(node, drawn);
      if (old) old.replaceWith(node);
      return node;
    });
    had.forEach(function (node) { kept = drop(node, above) || kept; });
    if (placeInOrder(list, nodes, anchor) || kept) later(list, function () { keyed(list, items, key, render, sig); });
    else later(list, null); // drawn whole: a redraw held back before is older than this one
  }

  /* `nodes` made `parent`'s children in that order, moving none already in its place (a node moved is
     taken out and put back: a press on it is lost as on a new one). With a press held on `anchor` (a
     child), the children up to it stay as they are: those of `nodes` that belong above it and are not
     there yet are left out, and only the ones after it are placed. True when some were left out. */
  function placeInOrder(parent, nodes, anchor) {
    let at = parent.firstChild, leftOut = false;
    if (anchor) {
      const above = upTo(parent, anchor);
      let cut = nodes.indexOf(anchor);
      if (cut < 0) cut = nodes.reduce(function (last, node, i) { return above.has(node) ? i + 1 : last; }, 0);
      leftOut = nodes.some(function (node, i) { return node !== anchor && (i < cut) !== above.has(node); });
      nodes = nodes.slice(cut).filter(function (node) { return !above.has(node); });
      at = anchor.nextSibling;
    }
    nodes.forEach(function (node) {
      while (at && gone(at)) at = at.nextSibling; // kept where it was until the release
      if (node === at) at = at.nextSibling;
      else parent.insertBefore(node, at);
    });
    return leftOut;
  }

  /* `shown` made to read as `drawn` (the same element as the server draws it now), touching only what
     differs: an element stays while its tag and its name (data-testid, else id) match, its attributes are
     set as drawn and its children matched in turn (named ones by name, the others in order); text changes
     in place. What the page keeps in a node and the server does not draw stays: a field's typed value, a
     select's choice, the focus. A node of `drawn` that has no twin is moved over as it is. While a press is
     held in `shown`, what is above the pressed node at each level stays as it is (a node gone there stays
     dimmed, data-gone, and is never matched again), and `again()` draws the latest once it is released
     (the caller's own redraw, which carries over what it keeps; by default, this one's `drawn` again). */
  function nameOf(node) {
    return node.nodeType === Node.ELEMENT_NODE ? node.getAttribute("data-testid") || node.id || null : null;
  }
  function morph(shown, drawn, again) {
    const copy = !again && pressedChild(shown) ? drawn.cloneNode(true) : null; // morphInto takes drawn's nodes
    if (morphInto(shown, drawn)) later(shown, again || function () { morph(shown, copy); });
    else later(shown, null); // drawn whole: a redraw held back before is older than this one
  }
  /* morph, at one level and below; true when something was held back for a press. */
  function morphInto(shown, drawn) {
    if (shown.isEqualNode(drawn)) return false;
    Array.from(shown.attributes).forEach(function (a) { if (!drawn.hasAttribute(a.name)) shown.removeAttribute(a.name); });
    Array.from(drawn.attributes).forEach(function (a) {
      if (shown.getAttribute(a.name) !== a.value) shown.setAttribute(a.name, a.value);
    });
    const anchor = pressedChild(shown);
    const named = new Map(), loose = [];
    Array.from(shown.childNodes).forEach(function (node) {
      const name = nameOf(node);
      if (gone(node)) return; // gone at an earlier draw of this press: it is nothing drawn now
      if (name && !named.has(name)) named.set(name, node);
      else if (!name) loose.push(node);
    });
    const used = new Set();
    let kept = false;
    const nodes = Array.from(drawn.childNodes).map(function (want) {
      const name = nameOf(want);
      let old = name ? named.get(name) : loose.find(function (node) { return !used.has(node) && node.nodeName === want.nodeName; });
      if (old && (used.has(old) || old.nodeName !== want.nodeName)) old = undefined;
      if (!old) return want;
      used.add(old);
      if (old.nodeType === Node.ELEMENT_NODE) kept = morphInto(old, want) || kept;
      else if (old.nodeValue !== want.nodeValue) old.nodeValue = want.nodeValue;
      return old;
    });
    const above = upTo(shown, anchor);
    Array.from(shown.childNodes).forEach(function (node) { if (!used.has(node)) kept = drop(node, above) || kept; });
    return placeInOrder(shown, nodes, anchor) || kept;
  }

  /* An audit event about a name no user has carries no user (the name may be a password typed into the
     name field) but a keyed reference, shown where the name would be, short and in brackets after the words
     (as sls_server/web/event_line.py's nameless says it): "a name no user has (#3f9a…)". Null for an event
     that names its user, or none. NAMELESS_KEYS: the detail fields that sentence says. */
  const NAMELESS = { unknown_username: "a name no user has", invalid_username: "not a username" };
  const NAMELESS_KEYS = Object.keys(NAMELESS).concat(["name_ref"]);
  function nameless(detail) {
    const why = Object.keys(NAMELESS).find(function (k) { return detail && detail[k] === true; });
    return why ? NAMELESS[why] + (detail.name_ref ? " (#" + String(detail.name_ref).slice(0, 4) + "\u2026)" : "") : null;
  }

  /* A link to a <details> (the login step's "Use another device") opens it: the browser itself only
     scrolls to a fragment, and a closed <details> shows nothing but its summary. The fragment is whatever
     a link said: one that is no valid percent-encoding ("#%") names nothing, and must not throw here,
     which stopped every script of the page (SLS undefined: no logoff countdown, no poll). */
  function fragmentId(hash) {
    try {
      return decodeURIComponent((hash || "").slice(1));
    } catch (malformed) {
      return "";
    }
  }
  function openDetails(hash) {
    const id = fragmentId(hash);
    const target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link) openDetails(link.getAttribute("href"));
  });
  openDetails(window.location.hash);

  /* The addresses a page names the attacker's (a Set, from its data-attacker-ips as drawn), kept as the
     server keeps them: the feed sends an event that marks some (attack.addresses_marked) or wipes the world
     (emulator.reset, a state.imported over it) with the list from then on (`attackers`: http/pages/feed.py,
     web/event_tones.attackers_after), as the console's search sends it with each page (trainer_events.py),
     so a wiped demo's addresses are no longer the attacker's here either. */
  function attackersAfter(e, attackers) {
    if (!Array.isArray(e.attackers)) return;
    attackers.clear();
    e.attackers.forEach(function (a) { attackers.add(a); });
  }

  return { attackersAfter: attackersAfter, keyed: keyed, morph: morph, call: call, request: request, lastActivity: function () { return lastActivity; }, background: BACKGROUND, signedOut: signedOut, poll: poll, clock: clock, duration: duration, offset: offset, el: el, nameless: nameless, NAMELESS_KEYS: NAMELESS_KEYS };
})();

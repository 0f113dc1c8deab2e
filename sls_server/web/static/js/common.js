/* Helpers every page script shares: JSON calls with the page's CSRF token, a poller, time formatting. */
"use strict";
window.SLS = (function () {
  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function call(method, url, body) {
    const options = { method: method, headers: { "X-CSRF-Token": csrfToken() }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
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

  /* A link to a <details> (the login step's "Use another device") opens it: the browser itself only
     scrolls to a fragment, and a closed <details> shows nothing but its summary. */
  function openDetails(hash) {
    const id = decodeURIComponent((hash || "").slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest('a[href^="#"]');
    if (link) openDetails(link.getAttribute("href"));
  });
  openDetails(window.location.hash);

  return { call: call, poll: poll, clock: clock, el: el, csrfToken: csrfToken };
})();

/* The trainer console's live audit feed: server-sent events (EventSource reconnects by itself and resumes
   from Last-Event-ID), each event a line as the server words it, a burst said once to a screen reader, and
   the feed's state (live, polling, outage, reconnecting). The feed never counts as the trainer's activity
   (sls_server/http/pages/access.py); its `signed_out` event reloads the page, which shows the sign-in form.
   Each event is passed on to the rest of the console (`trainer:audit`, with `wiped` when it took the trail
   with it): trainer.js reads the users table again, trainer-attack.js turns or forgets its report. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const feed = root.querySelector("[data-testid=event-feed]");
  const feedState = root.querySelector("[data-testid=feed-state]");
  const announcer = root.querySelector("[data-testid=feed-announcer]");
  const SAY_EVERY_MS = 2000;
  const MAX_SHOWN = 200;
  /* The staged attacks' addresses (sim/attacks.py), for an event the server sends without its sentence
     (a type sls_server/web/event_words.py does not know): its address is still named the attacker's. */
  const ATTACKERS = new Set((root.dataset.attackerIps || "").split(" ").filter(Boolean));

  /* An event's detail in words: "wait 1 min" for wait_s, "offset +1 d 3 h" for offset_s, lists joined. */
  function detailText(key, value) {
    const seconds = /_s$/.test(key) && typeof value === "number";
    const name = key.replace(/_s$/, "").replace(/_/g, " ");
    if (seconds) return name + " " + (key === "offset_s" ? SLS.offset(value) : SLS.duration(value));
    if (Array.isArray(value)) return value.length ? name + " " + value.join(", ").replace(/_/g, " ") : null;
    if (value !== null && typeof value === "object") return null;
    if (value === true) return name; // "new place", not "new place true"
    return name + " " + value;
  }

  /* An events.summary in a sentence, its window in clock times like the feed's own (UTC):
     "6 × login.refused 06:27–06:28 (5 of them not listed one by one)", never the window's Unix seconds. */
  function summaryText(d) {
    const hm = function (s) { return new Date(s * 1000).toISOString().slice(11, 16); };
    const said = d.count + " × " + d.type + " " + hm(d.window_start) + "–" + hm(d.window_end);
    return d.suppressed ? said + " (" + d.suppressed + " of them not listed one by one)" : said;
  }

  function describe(e) {
    const parts = [];
    // a name no user has is never in the trail: its reference stands where the name would (SLS.nameless),
    // so the room still sees one name tried again and again, or many names tried once each
    const unnamed = e.user ? null : SLS.nameless(e.detail);
    if (e.user) parts.push(e.user);
    else if (unnamed) parts.push(unnamed);
    if (e.ip) parts.push("from " + e.ip + (ATTACKERS.has(e.ip) ? " (attacker)" : ""));
    if (e.factor) parts.push(e.factor);
    if (e.result) parts.push(e.result);
    if (e.type === "events.summary" && e.detail && typeof e.detail.window_start === "number") {
      parts.push(summaryText(e.detail));
    } else if (e.detail) {
      Object.entries(e.detail).forEach(function ([k, v]) {
        // said above, in the name's place; the whole reference stays, for matching it with the search's
        if (unnamed && SLS.NAMELESS_KEYS.includes(k) && k !== "name_ref") return;
        const said = detailText(k, v);
        if (said) parts.push(said);
      });
    }
    return parts.join(" · ");
  }

  /* The feed list is not a live region: an attack adds dozens of events in a second, and a screen reader
     would read out every one. This says one sentence per burst instead, at most every SAY_EVERY_MS; events
     from before the page was drawn (the backlog a new connection replays; their ids, Redis stream ids, are
     the server's wall-clock milliseconds) are not news. */
  const drawnMs = Number(root.dataset.drawnMs);
  let unsaid = [];
  let sayTimer = null;
  function say() {
    sayTimer = null;
    const last = unsaid[unsaid.length - 1];
    const who = last.user || SLS.nameless(last.detail);
    const what = last.said || last.type + (who ? " for " + who : "") + (last.result ? ", " + last.result : "");
    announcer.textContent = unsaid.length === 1 ? "New event: " + what + "." : unsaid.length + " new events; latest: " + what + ".";
    unsaid = [];
  }
  function announce(e) {
    if (Number(String(e.id).split("-")[0]) <= drawnMs) return;
    unsaid.push(e);
    if (!sayTimer) sayTimer = setTimeout(say, SAY_EVERY_MS);
  }

  /* A line's time is the emulated clock's, which a trainer moves by days: a line on another day than the
     line before it, or than today, shows its date too ("6 May 07:08:09", the year when not this one), so a
     move reads as one and the lines never look out of order. */
  const MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  let dayBefore = null;
  function stamp(at) {
    const when = new Date(at * 1000), iso = when.toISOString(), today = new Date().toISOString();
    const day = iso.slice(0, 10);
    const dated = day !== today.slice(0, 10) || (dayBefore !== null && day !== dayBefore);
    dayBefore = day;
    const year = iso.slice(0, 4) === today.slice(0, 4) ? "" : " " + iso.slice(0, 4);
    const date = dated ? when.getUTCDate() + " " + MONTHS[when.getUTCMonth()] + year + " " : "";
    return SLS.el("time", { class: "feed-time mono", datetime: iso, title: iso.replace("T", " ").slice(0, 19) + " UTC", text: date + iso.slice(11, 19) });
  }

  /* An event as the server words it (http/pages/feed.py, from sls_server/web/event_words.py: one table for
     the feed and `sls watch`): its tone's label and its sentence, then its dotted type, small, the name the
     API and the scenarios know it by, its raw fields in the type's tooltip. A type the table does not know
     comes without a sentence: its type and fields, as they are. Colour is never the only signal: the label
     says it too ("defence", "breach"). */
  function show(e) {
    const tone = e.tone || "";
    const said = e.said ? [
      e.label ? SLS.el("span", { class: "feed-label", "data-testid": "feed-label", text: e.label }) : null,
      SLS.el("span", { class: "feed-said", "data-testid": "feed-said", text: e.said }),
    ].filter(Boolean) : [SLS.el("span", { class: "feed-said mono", "data-testid": "feed-said", text: e.type })];
    const item = SLS.el("li", { class: "feed-item " + tone, "data-testid": "feed-event", "data-type": e.type, "data-tone": tone }, [
      stamp(e.at),
      SLS.el("span", { class: "feed-line" }, said),
      e.said ? SLS.el("span", { class: "feed-type mono", title: describe(e), text: e.type })
        : SLS.el("span", { class: "feed-detail", text: describe(e) }),
    ]);
    feed.prepend(item);
    while (feed.children.length > MAX_SHOWN) feed.lastChild.remove();
    announce(e);
  }

  const source = new EventSource(root.dataset.eventsUrl);
  // "live" once the server could read the trail (its `live` event), not when the connection opens: during
  // a Redis outage each reconnect opens, then says `outage` and ends.
  function feedIs(state, text, look) { feedState.dataset.state = state; feedState.textContent = text; feedState.className = "feed-state " + (look || state); }
  /* The server ends every stream after a while on purpose (STREAM_S in http/pages/feed.py) and the browser
     opens the next one a second later: that error is a planned reconnect, and the feed stays "live". Only
     when no stream has said how it is (live, crowded, outage) RECONNECT_GRACE_MS after an error is the
     connection really lost. */
  const RECONNECT_GRACE_MS = 5000;
  let lost = null;
  function heard() { clearTimeout(lost); lost = null; }
  function reconnecting() {
    lost = null;
    const why = feedState.dataset.state; // keep saying why: an outage, or a feed read every few seconds
    if (why !== "outage" && why !== "polling") feedIs("reconnecting", "reconnecting…");
  }
  source.addEventListener("live", function () { heard(); feedIs("live", "live"); });
  // the server keeps a few streams open per process; this tab's feed is read every few seconds instead
  source.addEventListener("crowded", function () { heard(); feedIs("polling", "live, every 3 s", "live"); });
  source.addEventListener("outage", function () { heard(); feedIs("outage", "Redis unreachable: retrying…"); });
  // the sign-in ended (idled out, signed out, ended by an operator): to the sign-in form, which says why
  source.addEventListener("signed_out", function () { source.close(); window.location.reload(); });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      // a reconnect refused (401: the browser gives up on it) asks the users table, whose 401 says why
      heard(); reconnecting(); SLS.trainer.changed(); // trainer.js reads the table
    } else if (!lost) lost = setTimeout(reconnecting, RECONNECT_GRACE_MS);
  });
  function wipesTheTrail(e) { return e.type === "emulator.reset" || (e.type === "state.imported" && Boolean(e.detail && e.detail.replaced)); }
  source.addEventListener("audit", function (message) {
    let e;
    try { e = JSON.parse(message.data); } catch (err) { return; /* a malformed frame is skipped */ }
    // a scenario demo's attacker actors (PUT /admin/v1/attackers): tagged from this event on, untagged after a wipe
    SLS.attackersAfter(e, ATTACKERS);
    const wiped = wipesTheTrail(e);
    if (wiped) { feed.replaceChildren(); dayBefore = null; } // `sls wipe` too
    // `sls demo` kept its world (after this page was drawn): "Back to the demo world" is there from now on
    if (e.type === "state.exported" && e.detail && e.detail.demo_world === true) root.querySelector("[data-testid=world-restore-demo]").hidden = false;
    show(e);
    root.dispatchEvent(new CustomEvent("trainer:audit", { detail: { event: e, wiped: wiped } }));
  });
})();

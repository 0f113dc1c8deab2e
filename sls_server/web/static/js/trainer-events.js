/* The trainer console's search of the audit trail (sls_server/http/pages/trainer_events.py): the form's
   user, type and limit are GET /admin/v1/events's query, sent as the console's other actions are (a POST with
   the page's CSRF token); the page comes back as the admin API answers it, oldest first, each event with the
   sentence, tone and label the live feed shows (the server words them: sls_server/web/event_tones.py's
   worded, from sls_server/web/event_words.py's table, never a second copy here). A row says the event as
   the feed does: its label and sentence, coloured by its tone, its dotted type small beneath; its fields
   beside, in a muted column, for the trainer looking closer. A type the table does not know comes without a
   sentence: its type stands in its place. "Next page" reads on from the page's cursor with the same filter.
   A refusal is shown next to the field it names (SLS.trainer, from trainer-admin.js), the last page cleared. */
"use strict";
(function () {
  const form = document.querySelector("[data-form=events-filter]");
  if (!form) return;
  const card = form.closest("section");
  const summary = card.querySelector("[data-testid=events-filter-summary]");
  const result = card.querySelector("[data-testid=events-filter-result]");
  const more = card.querySelector("[data-testid=events-filter-more]");
  const COLUMNS = ["At (UTC)", "Event", "Fields"];
  const ATTACKERS = new Set((form.closest("[data-trainer]").dataset.attackerIps || "").split(" ").filter(Boolean));
  let asked = null; // the filter of the page shown, and its cursor: what "Next page" reads on from

  function utc(seconds) {
    return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
  }

  /* The detail as JSON with a space after each colon and comma, so a long one wraps between its fields
     rather than inside a phone number. */
  function spaced(detail) {
    return JSON.stringify(detail, null, 1).replace(/\n\s*/g, " "); // a string's own newline is escaped: untouched
  }

  /* The raw fields, for a closer look: "user sam · from 198.51.100.200 (attacker) · factor sms · ...". */
  function fields(e) {
    const address = e.ip && ATTACKERS.has(e.ip) ? e.ip + " (attacker)" : e.ip;
    return [["user", e.user || SLS.nameless(e.detail)], ["from", address], ["factor", e.factor], ["device", e.device_id],
      ["result", e.result], ["detail", e.detail && Object.keys(e.detail).length ? spaced(e.detail) : null]]
      .filter(function (pair) { return pair[1]; }).map(function (pair) { return pair[0] + " " + pair[1]; }).join(" · ");
  }

  function row(e) {
    const tone = e.tone || "";
    const said = e.said ? [
      e.label ? SLS.el("span", { class: "feed-label", "data-testid": "events-filter-label", text: e.label }) : null,
      SLS.el("span", { class: "feed-said", "data-testid": "events-filter-said", text: e.said }),
      SLS.el("span", { class: "feed-type mono", "data-testid": "events-filter-type-name", text: e.type }),
    ].filter(Boolean) : [SLS.el("span", { class: "feed-said mono", "data-testid": "events-filter-said", text: e.type })];
    return SLS.el("tr", { class: tone, "data-testid": "events-filter-event", "data-type": e.type, "data-tone": tone }, [
      SLS.el("td", { text: utc(e.at) }),
      SLS.el("th", { scope: "row", class: "events-said" }, said),
      SLS.el("td", { class: "events-fields", text: fields(e) }),
    ]);
  }

  function draw(page, filter, next) {
    const events = page.events;
    const what = [filter.user && "user " + filter.user, filter.type && "type " + filter.type].filter(Boolean).join(", ");
    summary.textContent = (events.length === 1 ? "1 event" : events.length + " events") + (what ? " (" + what + ")" : "") +
      (next ? " after the last page." : ".") + (events.length === Number(filter.limit || 100) ? " There may be more: Next page." : "") +
      // a type is matched whole: "login" finds nothing, so name the types it begins (trainer_events.types_like),
      // and count those past the first eight rather than drop them silently
      (page.types_like ? " A type is matched whole: " + page.types_like.join(", ") +
        (page.types_like_more ? ", or one of " + page.types_like_more + " more (type more of the name)" : "") + "?" : "") +
      // a typo within a type ("login.sucess") begins none: the type it most likely meant, as the admin API names it
      (page.type_nearest ? " No event type is named so: did you mean " + page.type_nearest + "?" : "");
    if (!events.length) {
      if (document.activeElement === more) form.querySelector("[type=submit]").focus();
      result.replaceChildren();
      more.hidden = true;
      return;
    }
    const head = SLS.el("thead", {}, [SLS.el("tr", {}, COLUMNS.map(function (c) { return SLS.el("th", { scope: "col", text: c }); }))]);
    const table = SLS.el("table", { class: "table events-table" }, [
      SLS.el("caption", { class: "visually-hidden", text: "Audit events found" }), head, SLS.el("tbody", {}, events.map(row)),
    ]);
    result.replaceChildren(table);
    const focused = document.activeElement === more;
    more.hidden = events.length < Number(filter.limit || 100) || !page.cursor;
    if (focused && more.hidden) form.querySelector("[type=submit]").focus(); // not to the top of the page
  }

  /* A refused search (a limit of 0, a type too long) found nothing: the last page's summary and table
     describe another filter, and read beside the refusal as its answer, so they go, and "Next page" with
     them (it would read on from that other filter). */
  function forget() {
    asked = null;
    summary.textContent = "";
    result.replaceChildren();
    if (document.activeElement === more) form.querySelector("[type=submit]").focus();
    more.hidden = true;
  }

  async function search(filter, next) {
    const T = SLS.trainer;
    await T.busy(form.querySelector("[type=submit]"), async function () {
      const answer = await SLS.call("POST", "/trainer/events/filter", filter);
      T.clearErrors(form);
      if (!answer.ok) { forget(); T.showError(form, answer); return; }
      asked = { filter: filter, cursor: answer.data.cursor };
      SLS.attackersAfter(answer.data, ATTACKERS); // a demo's addresses, marked at load, wiped since
      draw(answer.data, filter, next);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search({ user: form.user.value.trim(), type: form.type.value.trim(), limit: form.limit.value.trim() }, false);
  });
  more.addEventListener("click", function () {
    if (!asked) return;
    search(Object.assign({}, asked.filter, { since: asked.cursor }), true);
  });
})();

/* The trainer console: the live audit feed (server-sent events; EventSource reconnects by itself and
   resumes from Last-Event-ID), the clock buttons, staged attacks, and a users table redrawn as events come. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const feed = root.querySelector("[data-testid=event-feed]");
  const feedState = root.querySelector("[data-testid=feed-state]");
  const usersBox = root.querySelector("[data-users]");
  const clockNow = root.querySelector("[data-testid=clock-now]");
  const clockOffset = root.querySelector("[data-testid=clock-offset]");
  const result = root.querySelector("[data-testid=attack-result]");
  const MAX_SHOWN = 200;
  const ALARM = /failed|locked|rejected|rate_limited|denied|refused|replaced|sign_in_failed|expired/;
  const GOOD = /succeeded|approved|verified|unlocked|activated/;

  function showClock(now, offset) {
    clockNow.textContent = new Date(now * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
    clockOffset.textContent = "offset " + offset + " s";
  }
  showClock(Number(clockNow.dataset.now), Number(clockOffset.textContent.replace(/[^0-9-]/g, "")) || 0);

  let usersTimer = null;
  function refreshUsers() {
    clearTimeout(usersTimer);
    usersTimer = setTimeout(async function () {
      const response = await fetch(root.dataset.usersUrl, { credentials: "same-origin" });
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const table = doc.querySelector("[data-testid=trainer-users]");
      if (table) usersBox.replaceChildren(document.importNode(table, true));
    }, 300);
  }

  function describe(e) {
    const parts = [];
    if (e.user) parts.push(e.user);
    if (e.ip) parts.push("from " + e.ip);
    if (e.factor) parts.push(e.factor);
    if (e.result) parts.push(e.result);
    if (e.detail) {
      Object.entries(e.detail).forEach(function ([k, v]) {
        if (typeof v !== "object") parts.push(k.replace(/_/g, " ") + " " + v);
      });
    }
    return parts.join(" · ");
  }

  function show(e) {
    const tone = ALARM.test(e.type + " " + (e.result || "")) ? "bad" : GOOD.test(e.type) ? "good" : "";
    const item = SLS.el("li", { class: "feed-item " + tone, "data-testid": "feed-event", "data-type": e.type }, [
      SLS.el("span", { class: "feed-time mono", text: new Date(e.at * 1000).toISOString().slice(11, 19) }),
      SLS.el("span", { class: "feed-type mono", text: e.type }),
      SLS.el("span", { class: "feed-detail", text: describe(e) }),
    ]);
    feed.prepend(item);
    while (feed.children.length > MAX_SHOWN) feed.lastChild.remove();
    if (/^(login|account|session|user|device|ip|card|stepup)\./.test(e.type)) refreshUsers();
  }

  const source = new EventSource(root.dataset.eventsUrl);
  source.addEventListener("open", function () { feedState.textContent = "live"; feedState.className = "feed-state live"; });
  source.addEventListener("error", function () { feedState.textContent = "reconnecting…"; feedState.className = "feed-state"; });
  source.addEventListener("audit", function (message) {
    try { show(JSON.parse(message.data)); } catch (err) { /* a malformed frame is skipped */ }
  });

  root.addEventListener("click", async function (event) {
    const clockButton = event.target.closest("[data-clock]");
    if (clockButton) {
      const answer = await SLS.call("POST", "/trainer/clock", { step: clockButton.dataset.clock });
      if (answer.ok) showClock(answer.data.now, answer.data.offset_s);
      refreshUsers();
      return;
    }
    const unlock = event.target.closest("[data-unlock]");
    if (unlock) {
      await SLS.call("POST", "/trainer/users/" + encodeURIComponent(unlock.dataset.unlock) + "/unlock", {});
      refreshUsers();
    }
  });

  root.querySelector("[data-form=attack]").addEventListener("submit", async function (event) {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    result.textContent = "Attacking…";
    const answer = await SLS.call("POST", "/trainer/attack", {
      attack: form.attack.value, username: form.username.value, password: form.password.value || null,
    });
    button.disabled = false;
    if (!answer.ok) { result.textContent = answer.data.message || "The attack could not run."; return; }
    const r = answer.data;
    const counts = Object.entries(r.outcomes).map(function ([k, v]) { return v + " × " + k; }).join(", ");
    result.replaceChildren(
      SLS.el("p", { class: r.attacker_succeeded ? "verdict bad" : "verdict good",
        text: r.attacker_succeeded ? "The attacker got in." : "The defences held." }),
      SLS.el("p", { text: r.summary }),
      SLS.el("p", { class: "muted", text: r.attempts + " attempts: " + counts })
    );
    refreshUsers();
  });
})();

/* The trainer console's "Stage an attack" card: the form (POST /trainer/attack), the report and its verdict,
   which turns when the victim answers a wait the report left (the feed's events, `trainer:audit` from
   trainer-feed.js) or the server's clock passes it (`trainer:tick` from trainer.js), and goes with a wiped
   world. A push bombing's count of her answers and its verdict are the server's (GET
   /trainer/attacks/push-bombing, sim/push_bombing_state.py): read when one of her answers shows in the feed,
   every few seconds while a push waits. At the page's load, the last attack staged, whatever its kind (GET
   /trainer/attacks/last), its Attack and Victim chosen in the form, so a reload shows the same report, count and
   verdict (counted here from the feed, a reload lost them and the verdict fell back to the pushes' expiry). It asks trainer.js to read the users table again after each attack (`trainer:changed`, through
   SLS.trainer from trainer-admin.js). */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const result = root.querySelector("[data-testid=attack-result]");
  const victims = root.querySelector("[data-testid=attack-user]");
  function refreshUsers() { SLS.trainer.changed(); }
  /* An attack report's verdict: its class and words. "not_run" (a password that is not the victim's, or a
     lock from an earlier attack) is neither side's win. */
  const VERDICTS = {
    attacker_got_in: ["bad", "The attacker got in."],
    defences_held: ["good", "The defences held."],
    not_run: ["neutral", "The attack could not run."],
  };
  /* A report with logins still waiting on the victim's phone (report.waiting: push bombing, a relay's push)
     is not over: "The defences held." beside the relay's "Waiting for ivy to pick 70" and the feed's
     accepted password would contradict both, and be wrong a moment later if she picks it. So it says what
     is pending, in the neutral colour, until her answer (lateWin) or the report of the next attack. */
  let waiting = null; // the last report's logins waiting on the victim (each `trainer:tick` reads it)
  function pendingVerdict(user, until) {
    const hm = new Date(until * 1000).toISOString().slice(11, 16);
    return "Not over yet: the attacker waits on " + user + "'s phone until " + hm + " UTC.";
  }

  /* A relay's number is no longer to be picked once its wait is over (expired, denied, a wrong pick, her
     approval): "Number the victim must pick" stayed under "The defences held.", as if still pending. */
  function numberPicked() {
    const number = result.querySelector("[data-testid=attack-number]");
    if (number) number.textContent = "The number the victim had to pick: " + number.dataset.number;
  }

  /* The wait a report left is over with nobody's approval (the server's clock past report.waiting.until,
     moved on by the trainer or not): the defences held after all, as the relay's screen says "expired
     unanswered". */
  function expired() {
    const line = result.querySelector("[data-waiting]");
    waiting = null;
    if (!line) return;
    numberPicked();
    line.className = "verdict " + VERDICTS.defences_held[0];
    line.textContent = VERDICTS.defences_held[1];
    delete line.dataset.waiting;
  }

  /* The last push bombing as the server counts it: her answers in a line under the verdict
     (`attack-answered`), and its verdict: "Not over yet" while a push waits, then the attacker's win or the
     defences', with a line saying she answered every push when she did, for the report's sentences were
     written while the pushes waited ("The attacker's page keeps waiting on them until ..."). */
  function showBombing(s) {
    const line = result.querySelector("[data-verdict]");
    if (!s.staged || !line || !waiting || !waiting.bombing || s.target !== waiting.user || s.ip !== waiting.ip) return;
    let count = result.querySelector("[data-testid=attack-answered]");
    if (!count) {
      count = SLS.el("p", { "data-testid": "attack-answered" });
      line.after(count);
    }
    count.textContent = s.said;
    if (s.verdict === "pending") {
      waiting.until = s.until;
      line.textContent = pendingVerdict(s.target, s.until);
      return;
    }
    const user = waiting.user;
    waiting = null;
    delete line.dataset.waiting;
    const got = s.verdict === "attacker_got_in";
    const verdict = VERDICTS[s.verdict] || VERDICTS.defences_held;
    line.className = "verdict " + verdict[0];
    line.dataset.verdict = s.verdict;
    line.textContent = got && s.answers.got_in ? user + " approved one: the attacker is in." : verdict[1];
    if (!got && s.pushes && s.answered === s.pushes && !result.querySelector("[data-testid=attack-all-answered]")) {
      line.after(SLS.el("p", { "data-testid": "attack-all-answered",
        text: user + " answered every push: none waits on their phone now, and the attacker is not in." }));
    }
  }
  let reading = null; // a read of the bombing under way; one asked meanwhile follows it
  let readAgain = false;
  async function readBombing() {
    if (reading) { readAgain = true; return; }
    reading = SLS.call("GET", "/trainer/attacks/push-bombing", undefined, { background: true });
    const answer = await reading;
    reading = null;
    if (answer.ok) showBombing(answer.data);
    if (readAgain) { readAgain = false; readBombing(); }
  }

  /* A reset, or a world loaded over it (Back to the demo world too), took the trail with it: the lines the
     feed showed are of a world that is gone, so they go, and the new trail starts with this event. The last
     attack's report and verdict ("The attacker got in.") go with them, for the same reason, and a wait on
     the victim's phone with it (the login it waited on is gone). */
  function forgetReport() {
    waiting = null;
    result.replaceChildren();
    if (SLS.trainer) SLS.trainer.clearErrors(root.querySelector("[data-form=attack]")); // trainer-admin.js's
  }
  /* The feed's backlog (its last 30 min, trainer-feed.js) can hold a wipe from before the page was drawn: the
     report drawn again at the load outlived it (the server keeps none past a wipe), so it stays. Heard
     after that report was drawn, it took the report with it, as a wipe made now does. */
  const drawnMs = Number(root.dataset.drawnMs);
  function heard(detail) {
    const older = Number(String(detail.event.id).split("-")[0]) <= drawnMs; // its id: wall-clock ms
    if (detail.wiped && !older) forgetReport();
    lateWin(detail.event);
  }
  let early = []; // the feed's events heard while the last attack's report is read at the load (restore)
  root.addEventListener("trainer:audit", function (event) {
    if (early) early.push(event.detail);
    else heard(event.detail);
  });
  let ticks = 0;
  root.addEventListener("trainer:tick", function (event) {
    if (waiting && waiting.bombing) {
      /* the server judges the pushes' expiry; and an answer counted just after its event reached the feed */
      ticks += 1;
      if (event.detail.now >= waiting.until || ticks % 3 === 0) readBombing();
      return;
    }
    if (waiting && event.detail.now >= waiting.until) expired();
  });

  /* A refused attack (no phished password, a victim deleted meanwhile): the words beside the field the
     server names, which is marked invalid and takes the focus, so the trainer types there next; they used to
     replace the last report, with no field marked. */
  function refused(form, answer) {
    const named = answer.data.field || "";
    const spot = form.querySelector("[data-field-error='" + named + "']") || form.querySelector("[data-field-error='']");
    spot.textContent = answer.data.message || "The attack could not run (" + answer.status + ").";
    result.textContent = "";
    const field = named && form.querySelector("[name='" + named + "']");
    if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
  }

  /* Run with no victim chosen (the form is novalidate: the browser's "Please select an item in the list"
     said neither why nor what to do): the chosen one deleted meanwhile (trainer.js keeps its name in
     data-gone), or no users at all. Nobody is attacked in their place. */
  function noVictim(form) {
    SLS.trainer.clearErrors(form);
    const gone = victims.dataset.gone;
    form.querySelector("[data-field-error=username]").textContent = gone
      ? "Choose the victim first: " + gone + " is gone."
      : "Add a user first: there is nobody to attack.";
    victims.setAttribute("aria-invalid", "true");
    result.textContent = "";
    victims.focus();
  }

  /* A relay's one login waiting on the victim's push, ended by her answer: her denial, or a wrong number
     picked (number matching; the trail's login.second_factor_failed with detail.wrong_number, at the
     login's address). The attacker's screen said "Stopped by IB Key's number matching" at once, while the
     verdict here said "Not over yet" until the push's lifetime ran out. A push bombing's many logins are
     not over with one of them. */
  function endsALogin(e) {
    return e.type === "push.denied" ||
      (e.type === "login.second_factor_failed" && !!e.detail && e.detail.wrong_number === true);
  }
  function endsTheRelay(e) {
    if (!waiting.relay && !waiting.reset) return false; // the SIM swap's reset waits on one push too
    return endsALogin(e);
  }

  /* A push bombing's logins wait on the victim after its report (report.waiting, sim/attacker_waits.py): a
     login.succeeded from the attacker's address for the victim, while they wait, is her approving one, and
     the verdict shown turns to the attacker's win; an attack.wait_refused is her approving one and the
     attacker refused (a lock, an address rule placed since): the report says which, the verdict stands;
     a relay's login ended by her answer (endsTheRelay) is said the same way. */
  function lateWin(e) {
    if (!waiting || e.ip !== waiting.ip || e.user !== waiting.user) return;
    if (waiting.bombing) { bombingAnswered(e); return; }
    const ended = endsTheRelay(e);
    if ((e.type === "attack.wait_refused" || ended) && result.querySelector("[data-verdict]")) {
      const held = result.querySelector("[data-verdict]"); // her answer let nobody in: the defences held
      /* right under the verdict (and the relay's number): at the report's end, under its long sentences,
         it was out of sight on a projector */
      const under = result.querySelector("[data-testid=attack-number]") || held;
      under.after(SLS.el("p", { "data-testid": "attack-late-refusal", text: (e.said || e.type) + "." }));
      held.className = "verdict " + VERDICTS.defences_held[0];
      held.textContent = VERDICTS.defences_held[1];
      delete held.dataset.waiting;
      if (ended) { waiting = null; numberPicked(); } // the relay's one login is over: nothing waits
      return;
    }
    /* the reset's page took her approval: the attacker set a password (password_recovery.verified) */
    if (e.type !== (waiting.reset ? "password_recovery.verified" : "login.succeeded")) return;
    const line = result.querySelector("[data-verdict]");
    if (!line) return;
    line.className = "verdict " + VERDICTS.attacker_got_in[0];
    line.dataset.verdict = "attacker_got_in";
    delete line.dataset.waiting;
    line.textContent = waiting.reset
      ? waiting.user + " approved the attacker's password reset: the attacker sets a password of their own."
      : waiting.user + (waiting.relay ? " picked the attacker's number" : " approved one") + ": the attacker is in.";
    waiting = null;
    numberPicked();
  }

  /* One of her answers to a push bombing's pushes: the server's count and verdict read again; an approval the
     attacker was refused on is said under the verdict, as for a relay. */
  function bombingAnswered(e) {
    if (!endsALogin(e) && e.type !== "attack.wait_refused" && e.type !== "login.succeeded") return;
    const held = result.querySelector("[data-verdict]");
    if (e.type === "attack.wait_refused" && held) {
      held.after(SLS.el("p", { "data-testid": "attack-late-refusal", text: (e.said || e.type) + "." }));
    }
    readBombing();
  }

  const attackForm = root.querySelector("[data-form=attack]");
  /* "Stage an attack" at the top of the console: the card in sight, its heading at the top of the window
     (the fragment alone would leave the focus at the link), and the focus on the Victim, ready to pick. */
  root.querySelector("[data-to-attack]").addEventListener("click", function (event) {
    event.preventDefault();
    attackForm.closest(".card").scrollIntoView({ block: "start" });
    victims.focus({ preventScroll: true });
  });
  attackForm.addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    if (!form.username.value) { noVictim(form); return; }
    stage({ attack: form.attack.value, username: form.username.value, password: form.password.value || null });
  });

  /* An attack that did not run because the victim was locked from before (report.victim_locked: an earlier
     attack's lockout, the default victim being the first user) is the next step of a trainer running attacks
     back to back: its report offers "Unlock amy and run it again", the console's Unlock (the Users table's),
     then the same attack on the same victim. */
  function unlockAndRerun(asked) {
    const button = SLS.el("button", { type: "button", class: "btn btn-dark btn-small", "data-testid": "attack-unlock-rerun",
      text: "Unlock " + asked.username + " and run it again" });
    button.addEventListener("click", async function () {
      await SLS.trainer.busy(button, async function () {
        const answer = await SLS.call("POST", "/trainer/users/" + encodeURIComponent(asked.username) + "/unlock", {});
        if (!answer.ok) {
          result.appendChild(SLS.el("p", { class: "field-error", text: answer.data.message || "The server refused it (" + answer.status + ")." }));
          return;
        }
        refreshUsers();
        attackForm.querySelector("[type=submit]").focus(); // the button goes with the report it was in
        await stage(asked);
      });
    });
    return SLS.el("p", {}, [button]);
  }

  /* At 1280x720 the report lands below the window, under Run attack: the trainer pressed and saw nothing
     happen. It is scrolled into sight ("nearest": no further than needed), smoothly unless the reader asked
     for less motion; the focus stays where it was put (Run attack, or the field a refusal names). */
  function showReport() {
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    result.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
  }

  async function stage(asked) {
    const form = attackForm;
    const button = form.querySelector("[type=submit]");
    if (button.getAttribute("aria-disabled") === "true") return;
    /* aria-disabled, not disabled: a disabled button loses the keyboard focus to the top of the page */
    button.setAttribute("aria-disabled", "true");
    SLS.trainer.clearErrors(form);
    result.textContent = "Attacking…";
    const answer = await SLS.call("POST", "/trainer/attack", asked);
    button.removeAttribute("aria-disabled");
    if (!answer.ok) { refused(form, answer); return; }
    release(-Infinity); // the feed's events held at the load (restore), heard before this report is drawn
    draw(answer.data, asked);
    showReport();
    refreshUsers();
    if (waiting && waiting.bombing) readBombing();
  }

  /* A report under the form: staged now, or (``asked`` null) the last attack's, kept by the server. */
  function draw(r, asked) {
    waiting = r.waiting ? { ip: r.waiting.ip, user: r.target, relay: r.kind === "phishing_relay", reset: r.kind === "sim_swap_reset", bombing: r.kind === "push_bombing", until: r.waiting.until } : null;
    const counts = Object.entries(r.outcomes).map(function ([k, v]) { return v + " × " + k; }).join(", ");
    const pending = waiting && r.verdict === "defences_held";
    const verdict = pending ? ["neutral", pendingVerdict(r.target, r.waiting.until)]
      : VERDICTS[r.verdict] || VERDICTS.defences_held;
    const line = { class: "verdict " + verdict[0], "data-verdict": r.verdict, text: verdict[1] };
    if (pending) line["data-waiting"] = "true";
    /* a relay's push: the number on the real page the victim must pick, as the attacker's screen shows it */
    const number = pending && r.waiting.number
      ? [SLS.el("p", { "data-testid": "attack-number", "data-number": r.waiting.number, text: "Number the victim must pick on their phone: " + r.waiting.number })]
      : [];
    /* the way on, right under the verdict: the report's sentences beneath can run long */
    const unlock = asked && r.verdict === "not_run" && r.victim_locked ? [unlockAndRerun(asked)] : [];
    result.replaceChildren(
      SLS.el("p", line),
      ...unlock,
      ...number,
      SLS.el("p", { text: r.summary }),
      SLS.el("p", { class: "muted", text: r.attempts + (r.attempts === 1 ? " attempt" : " attempts") + (counts ? ": " + counts : ".") })
    );
  }

  /* A reload, or a console opened later: the last attack staged, whatever its kind, as the server keeps it
     (a day; GET /trainer/attacks/last), unless an attack was staged here meanwhile, with the Attack and the
     Victim it was staged with, unless the trainer chose others meanwhile. It drew the last push bombing's
     even after a brute force staged since, beside the Attack select's first choice, "Password spray". A push
     bombing's comes with its count of her answers and its verdict as they stand now. */
  let choseHere = false;
  attackForm.addEventListener("change", function () { choseHere = true; });
  function chooseAsStaged(last) {
    attackForm.attack.value = last.kind;
    if (Array.from(victims.options).some(function (o) { return o.value === last.target; })) victims.value = last.target;
  }
  /* Her answers given before the reload are in the feed's backlog, which may come before that report: held
     until it is drawn (`early`), then heard, those from its staging on, so a relay's verdict turns as it
     did live ("Not over yet" until the push expired, then "The defences held.", though she let them in). */
  (async function restore() {
    let since = -Infinity;
    try {
      const answer = await SLS.call("GET", "/trainer/attacks/last", undefined, { background: true });
      if (!answer.ok || !answer.data.staged || !answer.data.report || result.childElementCount) return;
      draw(answer.data.report, null);
      since = answer.data.at;
      if (!choseHere) chooseAsStaged(answer.data);
      if (waiting && waiting.bombing && answer.data.push_bombing) showBombing(answer.data.push_bombing);
    } finally {
      release(since);
    }
  })();
  /* ``since``: the drawn report's staging (app clock); an attack staged here meanwhile releases them all,
     before its report is drawn, so a restore that never answers holds nothing for long. */
  function release(since) {
    const held = early || [];
    early = null;
    held.forEach(function (detail) { if (detail.wiped || detail.event.at >= since) heard(detail); });
  }
})();

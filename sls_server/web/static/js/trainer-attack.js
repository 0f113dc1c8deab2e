/* The trainer console's "Stage an attack" card: the form (POST /trainer/attack), the report and its verdict,
   which goes with a wiped world; how the verdict turns after the report, when the victim answers a wait it
   left, is trainer-attack-wait.js's (SLS.attackWait), which hears the feed's events (`trainer:audit` from
   trainer-feed.js) from here. At the page's load, the last attack staged, whatever its kind (GET
   /trainer/attacks/last), its Attack and Victim chosen in the form, so a reload shows the same report, count and
   verdict (counted here from the feed, a reload lost them and the verdict fell back to the pushes' expiry). It
   asks trainer.js to read the users table again after each attack (`trainer:changed`, through SLS.trainer from
   trainer-admin.js). */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const result = root.querySelector("[data-testid=attack-result]");
  const victims = root.querySelector("[data-testid=attack-user]");
  const wait = SLS.attackWait; // trainer-attack-wait.js
  function refreshUsers() { SLS.trainer.changed(); }

  /* A reset, or a world loaded over it (Back to the demo world too), took the trail with it: the lines the
     feed showed are of a world that is gone, so they go, and the new trail starts with this event. The last
     attack's report and verdict ("The attacker got in.") go with them, for the same reason, and a wait on
     the victim's phone with it (the login it waited on is gone). */
  function forgetReport() {
    wait.forget();
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
    wait.heard(detail.event);
  }
  let early = []; // the feed's events heard while the last attack's report is read at the load (restore)
  root.addEventListener("trainer:audit", function (event) {
    if (early) early.push(event.detail);
    else heard(event.detail);
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
    if (wait.bombing()) wait.readBombing();
  }

  /* A report under the form: staged now, or (``asked`` null) the last attack's, kept by the server. */
  function draw(r, asked) {
    const waiting = wait.follow(r);
    const counts = Object.entries(r.outcomes).map(function ([k, v]) { return v + " × " + k; }).join(", ");
    const pending = waiting && r.verdict === "defences_held";
    const verdict = pending ? ["neutral", wait.pendingVerdict(r.target, r.waiting.until)]
      : wait.VERDICTS[r.verdict] || wait.VERDICTS.defences_held;
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
      if (wait.bombing() && answer.data.push_bombing) wait.showBombing(answer.data.push_bombing);
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

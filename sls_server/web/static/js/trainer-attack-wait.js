/* The verdict of the trainer console's last attack report, after the report: a report with logins still
   waiting on the victim's phone (a push bombing, a relay's push, a SIM swap's reset) says "Not over yet", and
   turns when the victim answers (the feed's events, handed here by trainer-attack.js) or the server's clock
   passes the wait (`trainer:tick` from trainer.js). A push bombing's count of her answers and its verdict are
   the server's (GET /trainer/attacks/push-bombing, sim/push_bombing_state.py): read when one of her answers
   shows in the feed, every few seconds while a push waits. The report itself, its form and its reload are
   trainer-attack.js's, which reaches this through SLS.attackWait. */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const result = root.querySelector("[data-testid=attack-result]");
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


  /* A report drawn (trainer-attack.js's draw): what it leaves waiting on the victim, or nothing. */
  function follow(r) {
    waiting = r.waiting ? { ip: r.waiting.ip, user: r.target, relay: r.kind === "phishing_relay", reset: r.kind === "sim_swap_reset", bombing: r.kind === "push_bombing", until: r.waiting.until } : null;
    return waiting;
  }
  SLS.attackWait = {
    VERDICTS: VERDICTS,
    follow: follow,
    forget: function () { waiting = null; },
    bombing: function () { return !!(waiting && waiting.bombing); },
    heard: lateWin,
    pendingVerdict: pendingVerdict,
    readBombing: readBombing,
    showBombing: showBombing,
  };
})();

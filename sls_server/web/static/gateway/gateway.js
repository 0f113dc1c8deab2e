/* Gateway mode's login page: the form is sent in the background (its errors shown in place), the device
   list submits itself, the paper/live toggle says its mode, and the IB Key step polls until the push is
   approved. resendNotification() is a global function, as tools expect
   (driver.execute_script("resendNotification()")); the link calls it through a listener, since the page's
   CSP allows no inline handler. */
"use strict";

function resendNotification() {
  const box = document.querySelector("[data-resend-url]");
  if (!box) return Promise.resolve(false);
  const status = box.querySelector("[data-testid=gateway-push-status]");
  return SLS.call("POST", box.dataset.resendUrl).then(function (answer) {
    if (answer.ok && answer.data.state === "sent") {
      const match = document.getElementById("xyz-ibkey-match");
      if (match && answer.data.match) match.textContent = answer.data.match;
      if (status) status.textContent = "A new notification was sent. Waiting for approval…";
      return true;
    }
    showError(answer.data.message || "The notification could not be sent again.");
    return false;
  });
}
window.resendNotification = resendNotification;

/* The push is over: nothing left to resend or answer on this page, and the way back to the form shown. */
function ended(box) {
  box.querySelectorAll("#resend-notification, form").forEach(function (part) { part.hidden = true; });
  const again = box.querySelector("[data-testid=gateway-push-again]");
  if (again) again.hidden = false;
}

function showError(text) {
  const box = document.querySelector(".xyz-errormessage");
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
}

/* The login form is sent in the background, as the gateway's own page sends it: a refusal (a wrong password,
   the paper/live mismatch, a lock) shows in place, what was typed still in the fields and the toggle as it
   was, so a tool that only flips the toggle and submits again (IBeam's paper step) sends what it typed. The
   old error goes as the form is sent, before any answer: a tool that looks for an error right after its click
   must not read the last one. Never sent twice: a second send would be a second password attempt. Without
   this script (or fetch) the form is an ordinary one: its POST answers 303 to the page that says why. */
function sendLoginInPlace(form) {
  const box = document.querySelector(".xyz-errormessage");
  const fields = [form.elements.namedItem("username"), form.elements.namedItem("password")];
  function refused(text) {
    showError(text);
    fields.forEach(function (field) {
      if (!field) return;
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", box ? box.id : "");
    });
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (box) { box.hidden = true; box.textContent = ""; }
    fields.forEach(function (field) {
      if (field) { field.removeAttribute("aria-invalid"); field.removeAttribute("aria-describedby"); }
    });
    let answer;
    try {
      answer = await fetch(form.action, {
        method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      });
    } catch (e) {
      refused("The login could not be sent: check the connection and try again.");
      return;
    }
    /* A refusal answers 303 back to this form, whose GET (followed here) says it once: read it in place.
       Any other page (the second factor's step) is the login going on: open it. */
    const back = new URL(answer.url).pathname === new URL(form.action).pathname;
    if (answer.redirected && !back) { window.location.assign(answer.url); return; }
    const text = await answer.text();
    let message = "";
    if ((answer.headers.get("Content-Type") || "").indexOf("json") >= 0) {
      try { message = JSON.parse(text).message || ""; } catch (e) { message = ""; }
    } else {
      const said = new DOMParser().parseFromString(text, "text/html").querySelector(".xyz-errormessage");
      message = said ? said.textContent.trim() : "";
    }
    refused(message || "The login could not be completed: reload the page and try again.");
  });
}

(function () {
  /* The device list submits itself when a device is picked (as the gateway's does, and as tools expect),
     but not while the keyboard moves through a closed list: there each arrow key is a change, and the first
     one would submit a device the user only passed over (WCAG 3.2.2). Enter, or Continue, submits it. */
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    let keyed = false;
    function submit() {
      if (!select.value) return;
      if (select.form.requestSubmit) select.form.requestSubmit();
      else select.form.submit();
    }
    select.addEventListener("pointerdown", function () { keyed = false; });
    select.addEventListener("blur", function () { keyed = false; });
    select.addEventListener("keydown", function (event) {
      keyed = event.key.length === 1 || /^(Arrow|Home|End|Page)/.test(event.key); /* moves, or type-ahead */
      if (event.key === "Enter") { event.preventDefault(); submit(); }
    });
    select.addEventListener("change", function () {
      if (!keyed) submit();
    });
  });

  const login = document.querySelector("form.xyzform-username");
  if (login && window.fetch && window.DOMParser) sendLoginInPlace(login);

  const toggle = document.getElementById("toggle1");
  const shown = document.querySelector(".xyz-toggle-state");
  if (toggle && shown) {
    toggle.addEventListener("change", function () {
      shown.textContent = toggle.checked ? shown.dataset.paper : shown.dataset.live;
    });
  }

  const resend = document.getElementById("resend-notification");
  if (resend) {
    resend.addEventListener("click", function (event) {
      event.preventDefault();
      resendNotification();
    });
  }

  const box = document.querySelector("[data-status-url]");
  if (!box) return;
  const status = box.querySelector("[data-testid=gateway-push-status]");
  SLS.poll(async function () {
    const answer = await SLS.call("GET", box.dataset.statusUrl);
    const state = answer.data.state;
    if (state === "authenticated") {
      status.textContent = "Approved. Continuing…";
      window.location.assign(answer.data.next);
      return false;
    }
    if (state === "pending" || !answer.ok) return true;
    status.textContent = "This login has ended.";
    showError(answer.data.message || "failed");
    ended(box);
    return false;
  }, 1000);
})();

/* Gateway mode's login page: the device list submits itself, the paper/live toggle says its mode, and the
   IB Key step polls until the push is approved. resendNotification() is a global function, as tools expect
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

function showError(text) {
  const box = document.querySelector(".xyz-errormessage");
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
}

(function () {
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      if (!select.value) return;
      if (select.form.requestSubmit) select.form.requestSubmit();
      else select.form.submit();
    });
  });

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
    return false;
  }, 1000);
})();

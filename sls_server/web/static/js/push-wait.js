/* The IB Key push step: poll the login (or step-up) until the app approves, denies or the push expires. */
"use strict";
(function () {
  const box = document.querySelector("[data-push-wait]");
  if (!box) return;
  const status = box.querySelector("[data-testid=push-status]");
  SLS.poll(async function () {
    const answer = await SLS.call("GET", box.dataset.statusUrl);
    const state = answer.data.state;
    if (state === "authenticated" || state === "verified") {
      status.textContent = "Approved. Continuing…";
      window.location.assign(answer.data.next);
      return false;
    }
    if (state === "pending" || !answer.ok) return true;
    // The login has ended (denied, a wrong number picked, expired): the waiting phone, the number and the
    // Challenge/Response offer (which would only land on the login form) go; why, and "Log in again", stay
    // (a step-up's: "Back to your account", the page's data-restart-*: its user is logged in).
    const wasOnGone = document.activeElement && document.activeElement.closest("[data-push-live]");
    document.querySelectorAll("[data-push-live]").forEach(function (el) { el.hidden = true; });
    status.textContent = answer.data.message || "This login has ended. Please log in again.";
    status.classList.add("alert", "alert-error");
    const href = box.dataset.restartHref || "/";
    const words = box.dataset.restartText || "Log in again";
    const again = SLS.el("a", { href: href, class: "btn btn-primary", "data-testid": "push-restart", text: words });
    status.after(again);
    if (wasOnGone) again.focus(); // not to the top of the page with the control it was on
    return false;
  }, 1000);
})();

/* The DSC+ card: every key press goes to the server, where sls_devices/dscplus_keypad.py decides what the
   display shows; the sealed keypad state comes back and goes with the next press. Presses are queued so
   fast clicking keeps their order. */
"use strict";
(function () {
  const card = document.querySelector("[data-card]");
  if (!card) return;
  const display = card.querySelector("[data-testid=card-display]");
  const status = document.querySelector("[data-testid=card-status]");
  let state = null;
  let queue = Promise.resolve();

  async function press(key) {
    const answer = await SLS.call("POST", card.dataset.keysUrl, { key: key, state: state });
    if (!answer.ok) {
      status.textContent = answer.data.message || "The card did not respond.";
      return;
    }
    state = answer.data.state;
    display.textContent = answer.data.display;
    card.classList.toggle("dsc-on", answer.data.on);
    locked = Boolean(answer.data.locked);
    status.textContent = answer.data.locked ? "This card is locked after too many wrong PINs." : pinError(answer.data.display);
  }

  /* After PIN ERR the card takes the next key, whatever it is, as seen: a volunteer who keyed the PIN again
     at once lost its first digit to it, and OK on the three left did nothing. The line under the card says
     what the card does not. */
  function pinError(shown) {
    const left = /^PIN ERR (\d+)$/.exec(shown || "");
    if (!left) return "";
    const tries = left[1] === "1" ? "1 try left" : left[1] + " tries left";
    return "Wrong PIN: " + tries + " before the card locks. Press any key for PIN> again, then key the PIN.";
  }

  /* A press the network lost (no answer at all) is said so, and the queue goes on: a rejected press left
     in it would swallow every later one, and the card would stay dark until the page was reloaded. */
  function enqueue(key) {
    queue = queue.then(function () { return press(key); }).catch(function () {
      status.textContent = "The card did not respond: press the key again.";
    });
  }

  /* The card follows changes made elsewhere, as the phone page does: polled, so a card Client Services
     (the trainer, an admin) reset stops showing LOCKED at once, and it comes back off, as a reset card is;
     a card locked from another tab shows LOCKED. A key press in flight wins: the poll waits for the queue. */
  let locked = card.classList.contains("dsc-on") && display.textContent.trim() === "LOCKED";
  SLS.poll(async function () {
    await queue;
    const answer = await SLS.call("GET", card.dataset.stateUrl, undefined, { background: true }); // not the viewer's activity
    if (!answer.ok || answer.data.locked === locked) return;
    locked = answer.data.locked;
    state = null;
    display.textContent = locked ? "LOCKED" : "";
    card.classList.toggle("dsc-on", locked);
    status.textContent = locked ? "This card is locked after too many wrong PINs." : "This card was reset: press the power button to start.";
  }, 1500);

  card.addEventListener("click", function (event) {
    const button = event.target.closest("[data-key]");
    if (button) enqueue(button.dataset.key);
  });
  /* Pasting digits keys them in (a challenge copied from the login page): the real card cannot be pasted
     into, but this page can, so no one has to transcribe a code digit by digit to log in (WCAG 3.3.8). */
  function pasted(event) {
    const digits = (event.clipboardData ? event.clipboardData.getData("text") : "").replace(/[^0-9]/g, "");
    if (!digits) return;
    event.preventDefault();
    digits.split("").forEach(enqueue);
    if (event.target !== card) card.focus();
  }
  function typed(event) {
    /* a key with Ctrl, Alt or Meta held is the browser's: Ctrl+P prints, it is no power key (it was, and the
       page could not be printed with the focus on the card) */
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.target.closest("button") && (event.key === "Enter" || event.key === " ")) return;
    const keys = { Enter: "OK", Backspace: "C", Escape: "C", p: "POWER", P: "POWER" };
    const key = /^[0-9]$/.test(event.key) ? event.key : keys[event.key];
    if (!key) return;
    event.preventDefault();
    enqueue(key);
    /* Typing on the card moves the focus to the card itself, so the Enter that follows is OK, as the page
       says: left on the button last pressed (the power button, say), Enter would press that button again. */
    if (event.target !== card) card.focus();
  }
  card.addEventListener("paste", pasted);
  card.addEventListener("keydown", typed);
  /* Keys typed with the focus on nothing (the page just opened on the projector, a click beside the card)
     are the card's too, as the line above it says: they used to do nothing until the card was clicked or
     tabbed to. A link or button that has the focus keeps its own keys. */
  function unfocused(event) { return event.target === document.body || event.target === document.documentElement; }
  document.addEventListener("keydown", function (event) { if (unfocused(event)) typed(event); });
  document.addEventListener("paste", function (event) { if (unfocused(event)) pasted(event); });
})();

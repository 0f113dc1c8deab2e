/* The login window's virtual keyboard, as the broker advises on a public computer ("use the virtual keyboard
   on the login window to avoid having your keystrokes captured"): the password is clicked in key by key, so
   a keylogger hears no keystrokes. It only fills the password field; the server cannot tell how it was typed,
   and typing or pasting into the field still works (ASVS 6.2.7). */
"use strict";
(function () {
  const toggle = document.querySelector("[data-vk-toggle]");
  const board = document.querySelector("[data-vk-for]");
  const field = board && document.getElementById(board.dataset.vkFor);
  if (!toggle || !field) return;
  const ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "-_.,@!#$%&*?+=/:;'\"()[]{}<>|\\^~`"];
  let shifted = false;

  function button(label, name, testid) {
    const key = document.createElement("button");
    key.type = "button";
    key.className = "vk-key";
    key.textContent = label;
    key.setAttribute("data-testid", testid);
    if (name) key.setAttribute("aria-label", name);
    return key;
  }

  function type(text) {
    if (field.value.length + text.length > field.maxLength) return;
    field.value += text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function relabel() {
    board.querySelectorAll("[data-char]").forEach(function (key) {
      key.textContent = shifted ? key.dataset.char.toUpperCase() : key.dataset.char;
    });
    shift.setAttribute("aria-pressed", String(shifted));
  }

  ROWS.forEach(function (row) {
    const line = document.createElement("div");
    line.className = "vk-row";
    Array.from(row).forEach(function (char) {
      const key = button(char, null, "vk-key");
      key.dataset.char = char;
      line.appendChild(key);
    });
    board.appendChild(line);
  });
  const last = document.createElement("div");
  last.className = "vk-row vk-controls";
  const shift = button("Shift", "Shift: capital letters", "vk-shift");
  const space = button("Space", "Space", "vk-space");
  const back = button("⌫", "Delete the last character", "vk-backspace");
  const clear = button("Clear", "Clear the password", "vk-clear");
  [shift, space, back, clear].forEach(function (key) { last.appendChild(key); });
  board.appendChild(last);
  relabel();

  board.addEventListener("click", function (event) {
    const key = event.target.closest("button");
    if (!key) return;
    if (key.dataset.char) {
      type(shifted ? key.dataset.char.toUpperCase() : key.dataset.char);
    } else if (key === shift) {
      shifted = !shifted;
      relabel();
    } else if (key === space) {
      type(" ");
    } else if (key === back) {
      field.value = field.value.slice(0, -1);
    } else if (key === clear) {
      field.value = "";
    }
  });

  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    board.hidden = !board.hidden;
    toggle.setAttribute("aria-expanded", String(!board.hidden));
  });
})();

/* The trainer console's clock set to an instant (POST /trainer/clock/set; the +1 min... buttons are
   trainer.js's) and the world saved as a file or loaded from one (sls_server/http/pages/trainer_admin.py).
   It says, refuses, asks and waits through SLS.trainer (trainer-admin.js, which loads first). */
"use strict";
(function () {
  const root = document.querySelector("[data-trainer]");
  if (!root) return;
  const loadForm = root.querySelector("[data-form=load-world]");
  const saveForm = root.querySelector("[data-form=save-world]");
  const T = SLS.trainer;

  /* Set the clock to an instant, read as UTC (a datetime-local field has no zone); trainer.js shows it
     from the table it redraws. */
  const clockForm = root.querySelector("[data-form=clock-set]");
  clockForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    const typed = clockForm.set_at.value;
    const at = typed ? Math.floor(Date.parse(typed + (typed.length === 16 ? ":00Z" : "Z")) / 1000) : NaN;
    /* nothing picked (or half a date, which the field gives as ""): said in the label's words, where the
       server's would name its field, set_at, which the page shows nowhere */
    if (Number.isNaN(at)) {
      T.clearErrors(clockForm);
      T.showError(clockForm, { status: 400, data: { field: "set_at", message: "Choose the date and time to set the clock to (UTC)." } });
      return;
    }
    await T.busy(clockForm.querySelector("[type=submit]"), async function () {
      const answer = await SLS.call("POST", "/trainer/clock/set", { set_at: at });
      T.clearErrors(clockForm);
      if (!answer.ok) { T.showError(clockForm, answer); return; }
      T.say("The clock is set to " + new Date(answer.data.now * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC.", false, clockForm);
      T.changed();
    });
  });

  /* Save the world: the export as a file, named as the server names it. */
  saveForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    await T.busy(saveForm.querySelector("[type=submit]"), async function () {
      const response = await SLS.request(saveForm.action, { method: "POST" });
      if (!response.ok) { T.say("The world could not be saved (" + response.status + ").", true, saveForm); return; }
      const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const name = named ? named[1] : "sls-world.json";
      const link = SLS.el("a", { href: URL.createObjectURL(await response.blob()), download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
      T.say("The world is saved as " + name + ".", false, saveForm);
    });
  });

  /* Load a world: the file's bytes as the import's body; a document the server cannot read changes nothing. */
  loadForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    T.clearErrors(loadForm);
    const file = loadForm.document.files[0];
    if (!file) { T.showError(loadForm, { status: 400, data: { message: "Choose a saved world document first." } }); return; }
    /* A file that is no JSON object is no world document: said so, by its name, before asking to replace
       the world with it (the server's words would be the API's: "the body is not valid JSON (body)"). */
    const text = await file.text();
    let parsed = null;
    try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      T.showError(loadForm, { status: 400, data: { message: file.name + " is not a world document (JSON): it was not loaded, and nothing changed." } });
      return;
    }
    const replace = loadForm.replace.checked;
    if (replace && !(await T.confirmFirst("Replace the world?", "Every user, device, session and event now here is deleted, then " + file.name + " is loaded.", "Replace the world"))) {
      T.say("Nothing was changed.", false, loadForm);
      return;
    }
    await T.busy(loadForm.querySelector("[type=submit]"), async function () {
      const response = await SLS.request("/trainer/state/import?replace=" + replace, {
        method: "POST", body: text, headers: { "Content-Type": "application/json" },
      });
      let data = {};
      try { data = await response.json(); } catch (e) { data = {}; }
      if (!response.ok) {
        // where in the document (users, entry 2); the whole of it ("body", the request's) is the file named
        const where = data.field && data.field !== "body" ? " (" + data.field + (data.index !== undefined ? ", entry " + data.index : "") + ")" : "";
        T.showError(loadForm, { status: response.status, data: { message: file.name + " was not loaded, and nothing changed: " + (data.message || response.status) + where } });
        return;
      }
      const n = data.imported;
      T.say(file.name + " is loaded: " + T.plural(n.users, "user") + ", " + T.plural(n.devices, "device") + (data.replaced ? ", in place of the world before." : ", added to the world."), false, loadForm);
      T.changed();
    });
  });
})();

/* "Forgot your password?": the new-password form's hold, this tab's secret. The server shows it in the page
   until the tab says it keeps it; the tab keeps it in sessionStorage, which a new tab does not share, says so
   (POST data-kept-url: from then on the tab's address shows it no more), and puts it back in the form on a
   reload, Back or Forward. A reload before this script ran is shown the hold again, so the reset goes on. A
   view without it comes with the form hidden and "left in another tab" shown (a browser without scripts is
   offered no form it would be refused); a tab that holds the hold shows the form again. A tab that holds none
   (the tab's address opened again from the history, by the next person on a shared computer) is not offered
   the form. */
"use strict";
(function () {
  const form = document.querySelector("form[data-recover-hold]");
  if (!form) return;
  const field = form.querySelector("input[name=hold]");
  const name = "sls-recover-hold:" + form.dataset.recoverHold;
  let kept = false;
  try {
    if (field.value) {
      sessionStorage.setItem(name, field.value);
      kept = sessionStorage.getItem(name) === field.value;
    } else field.value = sessionStorage.getItem(name) || "";
  } catch (e) {
    /* storage turned off: the form works as the page first showed it, and the page goes on showing the hold */
  }
  form.hidden = !field.value;
  document.querySelector("[data-recover-left]").hidden = Boolean(field.value);
  if (kept && form.dataset.keptUrl) {
    SLS.call("POST", form.dataset.keptUrl, { hold: field.value }).then(function (answer) {
      if (answer.ok && answer.data.state === "kept") form.dataset.kept = "";
    });
  }
})();

/* "Forgot your password?": the new-password form's hold, this tab's secret. The server shows it in the page
   once (the first view after the second factor); the tab keeps it in sessionStorage, which a new tab does not
   share, and puts it back in the form on a reload, Back or Forward. A view without it comes with the form
   hidden and "left in another tab" shown (a browser without scripts is offered no form it would be refused);
   a tab that holds the hold shows the form again. A tab that holds none (the tab's address opened again
   from the history, by the next person on a shared computer) is not offered the form. */
"use strict";
(function () {
  const form = document.querySelector("form[data-recover-hold]");
  if (!form) return;
  const field = form.querySelector("input[name=hold]");
  const name = "sls-recover-hold:" + form.dataset.recoverHold;
  try {
    if (field.value) sessionStorage.setItem(name, field.value);
    else field.value = sessionStorage.getItem(name) || "";
  } catch (e) {
    /* storage turned off: the form works as the page first showed it */
  }
  form.hidden = !field.value;
  document.querySelector("[data-recover-left]").hidden = Boolean(field.value);
})();

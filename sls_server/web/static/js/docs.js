/* Start Swagger UI on /openapi.json (the stock index.html does this inline, which our CSP forbids). */
"use strict";
(function () {
  const node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.dataset.specUrl,
    domNode: node,
    deepLinking: true,
    tryItOutEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
  /* Swagger UI draws the request body's editor and the document's server list without a label (their
     titles are empty), so a screen reader says only "edit text" or "combo box"; they are named here as
     Swagger redraws them. */
  const name = () => {
    node.querySelectorAll("textarea.body-param__text:not([aria-label])").forEach((box) => {
      box.setAttribute("aria-label", "Request body (JSON)");
    });
    node.querySelectorAll("select#servers:not([aria-label])").forEach((list) => {
      list.setAttribute("aria-label", "Server");
    });
  };
  new MutationObserver(name).observe(node, { childList: true, subtree: true });
})();

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
  /* Swagger UI draws the request body's editor without a label (its title is empty), so a screen reader
     says only "edit text"; it is named here as Swagger redraws it. */
  const name = () => {
    node.querySelectorAll("textarea.body-param__text:not([aria-label])").forEach((box) => {
      box.setAttribute("aria-label", "Request body (JSON)");
    });
  };
  new MutationObserver(name).observe(node, { childList: true, subtree: true });
})();

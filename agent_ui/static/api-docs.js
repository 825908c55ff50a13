// /api/docs: Swagger UI over the service's own generated /api/openapi.json. Requests made
// from the page carry the session cookie; changes also need the login's X-CSRF-Token.
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#api-docs",
    deepLinking: true,
    tryItOutEnabled: false,
  });
});

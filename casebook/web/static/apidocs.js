/* /api/docs: Swagger UI from the copy shipped in static/vendor (no CDN). validatorUrl is off:
   Swagger UI would otherwise ask validator.swagger.io for a badge. */
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  if (!box || typeof window.SwaggerUIBundle !== "function") { return; }
  var csrf = null;
  window.SwaggerUIBundle({
    url: box.dataset.specUrl,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (csrf && request.method && request.method.toUpperCase() !== "GET") {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    }
  });
  fetch("/api/csrf-token", {credentials: "same-origin"}).then(function (r) { return r.json(); })
    .then(function (data) { csrf = data.csrf_token; }).catch(function () { /* signed out: reads only */ });
})();

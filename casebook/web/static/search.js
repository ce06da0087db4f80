// Search page: tell the server which result was opened, so searches whose results nobody
// opens show up in `casebook search gaps`. Static file (no inline script); nothing else loaded.
(function () {
  "use strict";
  var list = document.getElementById("results");
  if (!list) { return; }
  var searchId = list.getAttribute("data-search-id");
  if (!searchId) { return; }
  var endpoint = list.getAttribute("data-click-url");
  list.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-hit-id]") : null;
    if (!link) { return; }
    var body = JSON.stringify({ search_id: searchId, id: link.getAttribute("data-hit-id") });
    var sent = false;
    if (navigator.sendBeacon) {
      sent = navigator.sendBeacon(endpoint, new Blob([body], { type: "application/json" }));
    }
    if (!sent && window.fetch) {
      fetch(endpoint, { method: "POST", headers: { "Content-Type": "application/json" }, body: body, keepalive: true })
        .catch(function () {});
    }
  });
})();

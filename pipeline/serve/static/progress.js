// Live progress for the check and build pages: asks the server for the figures once a second and
// shows them; reloads the page when the batch has moved on. Without JavaScript the page refreshes
// itself (a <noscript> meta refresh) and shows the same figures.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  var fields = ["status", "count", "rate", "eta"];

  function show(data) {
    fields.forEach(function (name) {
      var element = document.getElementById("progress-" + name);
      if (element && data.text[name] !== undefined) { element.textContent = data.text[name]; }
    });
    var bar = document.getElementById("progress-bar");
    if (bar) {
      bar.max = Math.max(data.total, 1);
      bar.value = data.done;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished || data.status === "checked") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
}());

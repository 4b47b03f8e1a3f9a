// Live progress for the check and build pages: asks the server for the figures once a second and
// shows them; reloads the page when the batch has moved on. When the figures can no longer be read
// — the session expired (401), the batch is gone (404), the server does not answer — the page says
// so, with a link to log in again (back to this batch) or to 我的批次. Without JavaScript the page
// refreshes itself (a <noscript> meta refresh) and shows the same figures.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  var url = box.getAttribute("data-url");
  var fields = ["status", "count", "rate", "eta"];
  var misses = 0;

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

  function problem(text, href, linkText) {
    var element = document.getElementById("progress-problem");
    if (!element) { return; }
    element.textContent = text + " ";
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = linkText;
      element.appendChild(link);
    }
    element.hidden = false;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) {
          problem(box.getAttribute("data-expired"), box.getAttribute("data-login"), box.getAttribute("data-login-text"));
          return null;
        }
        if (response.status === 404) {
          problem(box.getAttribute("data-gone"), "/batches", box.getAttribute("data-list-text"));
          return null;
        }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (data === null) { return; }
        misses = 0;
        document.getElementById("progress-problem").hidden = true;
        show(data);
        if (data.finished || data.status === "checked") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        misses += 1;
        if (misses >= 3) {
          problem(box.getAttribute("data-offline"), "/batches", box.getAttribute("data-list-text"));
        }
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
}());

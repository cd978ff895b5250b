// Live progress of one export: poll the JSON endpoint every 2 s until the run has finished.
// Plain fetch, no library and no CDN: the admin runs on filtered networks too.
// Wagtail's admin loads extra_js near the top of <body>, before the page's content,
// so the script starts only once the document has been parsed.
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("export-run");
    if (!root || root.dataset.finished === "1") {
      return;
    }
    var url = root.dataset.statusUrl;
    var INTERVAL = 2000;

    function show(data) {
      root.querySelectorAll("[data-field]").forEach(function (el) {
        var name = el.dataset.field;
        if (!(name in data)) {
          return;
        }
        var value = data[name];
        el.textContent = value === null || value === undefined ? "" : String(value);
      });
      var status = root.querySelector('[data-field="status_label"]');
      if (status) {
        status.className = "export-status export-status--" + data.status;
      }
      var message = root.querySelector('[data-field="message"]');
      if (message) {
        message.className = data.failed ? "export-message--failed" : "";
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" }, cache: "no-store" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            show(data);
            if (data.finished) {
              root.dataset.finished = "1";
              return;
            }
          }
          window.setTimeout(poll, INTERVAL);
        })
        .catch(function () {
          window.setTimeout(poll, INTERVAL);
        });
    }

    poll();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

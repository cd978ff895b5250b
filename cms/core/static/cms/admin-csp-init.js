// Starts the Wagtail admin widgets whose stock templates use inline <script>
// tags, which the Content-Security-Policy (script-src 'self') refuses.  The
// overriding templates in cms/core/templates/wagtailadmin/ leave a
// <template data-cms-init="…"> marker instead; this file, served from our own
// origin, runs the same call for every marker, including those that arrive
// later in modals or new inline-panel forms.
(function () {
  "use strict";

  function start(marker) {
    if (marker.dataset.cmsStarted) {
      return;
    }
    marker.dataset.cmsStarted = "1";
    var name = marker.dataset.cmsInit;
    var config = JSON.parse(marker.dataset.config || "{}");
    if (name === "InlinePanel") {
      new window.InlinePanel(config);
    } else if (/Chooser$/.test(name) && /^[A-Z]/.test(name)) {
      // A chooser widget class (cms/core/csp.py): new PageChooser(id, options).
      new window[name](marker.dataset.field, config);
    } else if (typeof window[name] === "function") {
      window[name](marker.dataset.field, config);
    }
  }

  function startAll(root) {
    if (root.matches && root.matches("template[data-cms-init]")) {
      start(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("template[data-cms-init]").forEach(start);
    }
  }

  function watch() {
    startAll(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(startAll);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();

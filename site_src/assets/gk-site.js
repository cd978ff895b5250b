/*
 * 长者模式 (senior mode) and keyboard access to the menu, without any external script.
 *
 * Loaded synchronously in <head>: the saved mode is applied to <html> before
 * the first paint, so a reader who switched it on never sees the small text
 * flash first.  The choice persists in localStorage (per browser, nothing
 * is sent anywhere); where storage is blocked the switch still works for
 * the page.
 */
(function () {
  "use strict";
  var KEY = "gk-senior-mode";
  var root = document.documentElement;

  function saved() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (error) {
      return false;
    }
  }

  function apply(on) {
    if (on) {
      root.setAttribute("data-gk-senior", "");
    } else {
      root.removeAttribute("data-gk-senior");
    }
    var buttons = document.querySelectorAll("button[data-gk-senior-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      buttons[i].textContent = on ? "退出长者模式" : "长者模式";
    }
  }

  apply(saved());

  document.addEventListener("DOMContentLoaded", function () {
    apply(saved());
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[data-gk-senior-toggle]");
      if (!button) {
        return;
      }
      var on = !root.hasAttribute("data-gk-senior");
      try {
        window.localStorage.setItem(KEY, on ? "1" : "0");
      } catch (error) {
        /* storage blocked: the mode lasts for this page only */
      }
      apply(on);
    });
  });
})();

/*
 * 长者模式 (senior mode) and keyboard access to the menu, without any external script.
 *
 * Loaded synchronously in <head>: the saved mode is applied to <html> before
 * the first paint, so a reader who switched it on never sees the small text
 * flash first.  The choice persists in localStorage (per browser, nothing
 * is sent anywhere); where storage is blocked the switch still works for
 * the page.
 *
 * The menu (Material's drawer, below 76.25em: phones and 200% zoom) opens
 * from a <label> that a keyboard cannot reach.  Here it becomes a button
 * (Tab stop, Enter/Space, aria-expanded); opening moves focus into the
 * drawer, Escape closes it and gives focus back to the button, and Tab
 * leaving the drawer closes it, so no hidden link ever keeps a Tab stop.
 * Without this script the label stays a plain label, never a fake button.
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
    drawerKeyboard();
  });

  function drawerKeyboard() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector("label.md-header__button[for='__drawer']");
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !button || !drawer) {
      return;
    }
    button.setAttribute("role", "button");
    button.setAttribute("tabindex", "0");
    button.setAttribute("aria-label", "导航菜单");
    button.setAttribute("aria-controls", drawer.id || (drawer.id = "gk-drawer"));

    function isDrawer() {
      /* Above 76.25em the same sidebar is always shown and the button hidden. */
      return window.getComputedStyle(button).display !== "none";
    }

    function sync() {
      button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    }

    function firstStop() {
      var stops = drawer.querySelectorAll("a[href], label[tabindex='0'], button, input, [tabindex='0']");
      for (var i = 0; i < stops.length; i++) {
        if (stops[i].getClientRects().length) {
          return stops[i];
        }
      }
      return null;
    }

    function setOpen(open, focusBack) {
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change", { bubbles: true }));
      sync();
      if (open) {
        var first = firstStop();
        if (first) {
          first.focus({ preventScroll: true }); /* the drawer slides in; nothing behind it may scroll */
        }
      } else if (focusBack) {
        button.focus();
      }
    }

    sync();
    toggle.addEventListener("change", sync);
    button.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        event.stopPropagation(); /* Material's own Enter handler would click the label a second time */
        setOpen(!toggle.checked, false);
      }
    });
    button.addEventListener("click", function () {
      /* The label toggles the checkbox after this event; read the state afterwards. */
      window.setTimeout(sync, 0);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.checked && isDrawer()) {
        setOpen(false, true);
      }
    });
    document.addEventListener("focusin", function (event) {
      if (toggle.checked && isDrawer() && !drawer.contains(event.target) && event.target !== button) {
        setOpen(false, false);
      }
    });
  }
})();

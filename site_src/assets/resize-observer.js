/*
 * Minimal ResizeObserver for browsers without one (old Android WebViews,
 * common on phones that never get browser updates).  Material would otherwise
 * load a polyfill from a foreign CDN, which a filtered network blocks or stalls.
 * It reports the observed elements on load and on window resize: enough for
 * the theme's header and sidebar sizing.  ES5 on purpose.
 */
(function () {
  "use strict";
  if (typeof window.ResizeObserver !== "undefined") {
    return;
  }
  function ResizeObserverShim(callback) {
    var self = this;
    this.callback = callback;
    this.targets = [];
    this.listener = function () {
      self.notify(self.targets);
    };
    window.addEventListener("resize", this.listener);
    window.addEventListener("load", this.listener);
  }
  ResizeObserverShim.prototype.observe = function (target) {
    var self = this;
    if (this.targets.indexOf(target) < 0) {
      this.targets.push(target);
    }
    window.setTimeout(function () {
      self.notify([target]);
    }, 0);
  };
  ResizeObserverShim.prototype.unobserve = function (target) {
    var index = this.targets.indexOf(target);
    if (index >= 0) {
      this.targets.splice(index, 1);
    }
  };
  ResizeObserverShim.prototype.disconnect = function () {
    this.targets = [];
    window.removeEventListener("resize", this.listener);
    window.removeEventListener("load", this.listener);
  };
  ResizeObserverShim.prototype.notify = function (targets) {
    var entries = [];
    for (var i = 0; i < targets.length; i++) {
      if (this.targets.indexOf(targets[i]) >= 0) {
        entries.push({ target: targets[i], contentRect: targets[i].getBoundingClientRect() });
      }
    }
    if (entries.length) {
      this.callback(entries, this);
    }
  };
  window.ResizeObserver = ResizeObserverShim;
})();

/* Reading preferences, applied before the page paints (loaded in <head>, no inline script):
 * 大字/长辈 mode ("plankg-large") and high contrast ("plankg-contrast"), persisted per browser. */
(function () {
  "use strict";
  var root = document.documentElement;
  function read(key) {
    try { return window.localStorage.getItem(key) === "1"; } catch (e) { return false; }
  }
  function write(key, on) {
    try { window.localStorage.setItem(key, on ? "1" : "0"); } catch (e) { /* private mode: not kept */ }
  }
  var PREFS = { large: "plankg-large", contrast: "plankg-contrast" };
  Object.keys(PREFS).forEach(function (name) { root.classList.toggle("mode-" + name, read(PREFS[name])); });
  function wire() {
    Object.keys(PREFS).forEach(function (name) {
      var btn = document.getElementById("toggle-" + name);
      if (!btn) return;
      btn.setAttribute("aria-pressed", String(root.classList.contains("mode-" + name)));
      btn.addEventListener("click", function () {
        var on = !root.classList.contains("mode-" + name);
        root.classList.toggle("mode-" + name, on);
        btn.setAttribute("aria-pressed", String(on));
        write(PREFS[name], on);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire, { once: true });
  else wire();
})();

/* The SPARQL query page: the vendored YASGUI, example buttons, our error messages, the query kept in the
 * URL (#query=…, so reload and shared links keep it), result IRIs of our namespace opened on this
 * server's /id/ pages, and a CSV download with a UTF-8 BOM (Excel on Chinese Windows reads it right).
 * No inline script: the page's config is the JSON block #plankg-sparql-config. */
(function initSparqlPage() {
  "use strict";

  var host = document.getElementById("yasgui");
  var cfgEl = document.getElementById("plankg-sparql-config");
  if (!host || !cfgEl) return;
  var cfg = JSON.parse(cfgEl.textContent);
  /* YASGUI's error renderer calls new URL(endpoint): give it an absolute one. */
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var notice = document.getElementById("sparql-error");

  function withPrefixes(query) {
    var head = [];
    cfg.prefixes.forEach(function (pair) {
      var used = new RegExp("(^|[^\\w:])" + pair[0] + ":", "m").test(query);
      var declared = new RegExp("PREFIX\\s+" + pair[0] + ":", "i").test(query);
      if (!declared && (used || query === cfg.initial)) head.push("PREFIX " + pair[0] + ": <" + pair[1] + ">");
    });
    return head.length ? head.join("\n") + "\n\n" + query : query;
  }

  function queryFromHash() {
    var m = /(?:^#|&)query=([^&]*)/.exec(window.location.hash);
    if (!m) return null;
    try { return decodeURIComponent(m[1]); } catch (e) { return null; }
  }

  function keepInHash(query) {
    var url = window.location.pathname + window.location.search + "#query=" + encodeURIComponent(query);
    window.history.replaceState(null, "", url);
  }

  function showError(message) {
    if (!notice) return;
    notice.textContent = message || "";
    notice.hidden = !message;
  }

  /* The body of an error response is our JSON shape; show its message, else the text itself. */
  function messageOf(err) {
    var text = err && err.message ? err.message : String(err || "");
    try {
      var body = JSON.parse(text);
      if (body && body.error) return body.error + (body.status ? " (" + body.status + ")" : "");
    } catch (e) { /* not JSON: a network error */ }
    return text || cfg.messages.failed;
  }

  if (typeof window.Yasgui !== "function") {
    document.getElementById("yasgui-missing").hidden = false;
    document.getElementById("sparql-fallback").hidden = false;
    host.hidden = true;
    return;
  }
  /* Offline-safe: the class/property completers would query lov.linkeddata.es. */
  window.Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new window.Yasgui(host, {
    persistenceId: null,
    populateFromUrl: false,
    copyEndpointOnNewTab: true,
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    yasqe: { value: queryFromHash() || withPrefixes(cfg.initial) }
  });
  window.plankgYasgui = yasgui;

  var wired = [];
  function wire(tab) {
    var yasqe = tab && tab.getYasqe();
    if (!yasqe || wired.indexOf(yasqe) >= 0) return;
    wired.push(yasqe);
    yasqe.on("queryBefore", function () { showError(""); });
    yasqe.on("error", function () {  /* (yasqe, error) or (error): take the Error */
      var err = Array.prototype.filter.call(arguments, function (a) { return a instanceof Error; })[0];
      showError(messageOf(err));
    });
    yasqe.on("change", function () { keepInHash(yasqe.getValue()); });
  }
  wire(yasgui.getTab());
  yasgui.on("tabSelect", function () { window.setTimeout(function () { wire(yasgui.getTab()); }, 0); });

  var buttons = document.querySelectorAll(".example-query");
  Array.prototype.forEach.call(buttons, function (btn) {
    btn.addEventListener("click", function () {
      var id = btn.getAttribute("data-id");
      var ex = cfg.examples.filter(function (e) { return String(e.id) === id; })[0];
      if (!ex) return;
      var tab = yasgui.getTab();
      tab.setQuery(withPrefixes(ex.query));
      keepInHash(tab.getQuery());
      Array.prototype.forEach.call(buttons, function (b) { b.setAttribute("aria-pressed", String(b === btn)); });
      var yasqe = tab.getYasqe();
      if (yasqe && yasqe.focus) yasqe.focus();
    });
  });

  /* Result IRIs in our namespace open this server's entity pages. */
  function localise(root) {
    var links = root.querySelectorAll ? root.querySelectorAll("a[href]") : [];
    Array.prototype.forEach.call(links, function (a) {
      var href = a.getAttribute("href");
      if (href && href.indexOf(cfg.idBase) === 0) {
        a.setAttribute("href", cfg.idPath + href.slice(cfg.idBase.length));
        a.removeAttribute("target");
      }
    });
  }
  new MutationObserver(function (changes) {
    changes.forEach(function (c) { Array.prototype.forEach.call(c.addedNodes, localise); });
  }).observe(host, { childList: true, subtree: true });

  /* CSV for Excel: the same query as text/csv, with a UTF-8 byte order mark. */
  var csvButton = document.getElementById("sparql-csv");
  if (csvButton) {
    csvButton.hidden = false;
    csvButton.addEventListener("click", function () {
      showError("");
      var body = new URLSearchParams();
      body.set("query", yasgui.getTab().getQuery());
      fetch(endpoint, { method: "POST", body: body, headers: { Accept: "text/csv" } })
        .then(function (resp) {
          return resp.text().then(function (text) {
            if (!resp.ok) throw new Error(text);
            var blob = new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" });
            var a = document.createElement("a");
            a.href = URL.createObjectURL(blob);
            a.download = "sparql-results.csv";
            document.body.appendChild(a);
            a.click();
            window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
          });
        })
        .catch(function (err) { showError(messageOf(err)); });
    });
  }
})();
